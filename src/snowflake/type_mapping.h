// Which PostgreSQL type sf2pg creates for a Snowflake column, and which existing PostgreSQL
// columns a Snowflake column can be loaded into (docs/snowflake_types.md). The compatibility
// check reads the decoder's own table of encoders, so the two cannot disagree.
#pragma once

#include <optional>
#include <string>

#include "core/table.h"

namespace sf2pg::snowflake {

/// The target column sf2pg creates for `source` (same name; the caller folds its case).
/// NUMBER(p,0): p ≤ 4 smallint, p ≤ 9 integer, p ≤ 18 bigint, else numeric(p,0);
/// NUMBER(p,s) numeric(p,s); FLOAT double precision; DECFLOAT numeric; TEXT(n) varchar(n)
/// for n ≤ 10485760, else text; BINARY bytea; BOOLEAN boolean; DATE date; TIME time;
/// TIMESTAMP_NTZ timestamp; TIMESTAMP_LTZ / TIMESTAMP_TZ timestamptz; VARIANT, OBJECT, ARRAY,
/// MAP jsonb; GEOGRAPHY geography and GEOMETRY geometry when the target has PostGIS
/// (`target.postgis`), else jsonb; VECTOR(FLOAT, n) real[], VECTOR(INT, n) integer[], or jsonb
/// when the rowType lacks vectorDimension / fields (an older service). Throws ConfigError for
/// a type sf2pg does not know.
TargetColumn MapColumn(const SourceColumn& source, const TargetFeatures& target = {});

/// True for a GEOGRAPHY or GEOMETRY column (they need PostGIS to land as spatial types).
bool IsSpatial(const SourceColumn& source);

/// Empty when values of `source` can be loaded into `target` (the decoder has an encoder for
/// the pair); otherwise the reason, naming both columns and types.
std::optional<std::string> Incompatibility(const SourceColumn& source, const TargetColumn& target);

/// The Snowflake type as a person writes it: NUMBER(10,2), VARCHAR(40), TIMESTAMP_TZ(9),
/// GEOGRAPHY.
std::string SnowflakeTypeSql(const SourceColumn& source);

}  // namespace sf2pg::snowflake
