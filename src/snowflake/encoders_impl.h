// The encoder functions behind encoders.h's table; internal to src/snowflake/.
#pragma once

#include "snowflake/encoders.h"

namespace sf2pg::snowflake::enc {

// Numbers (encoders.cc).
Fault Integer(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Numeric(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Float8FromReal(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Float4FromReal(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Float8FromDecimal(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Float4FromDecimal(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);

// Text, bytes, booleans, UUIDs, JSON (encoders.cc).
Fault Verbatim(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Uuid(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Bytea(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Geography(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Geometry(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Ewkb(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Bool(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault BoolText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Json(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Jsonb(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault JsonText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);

// Vectors as one-dimensional PostgreSQL arrays (encoders.cc).
Fault VectorFloat4(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault VectorFloat8(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault VectorInt4(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
/// VECTOR(FLOAT, n) into pgvector's vector: int16 n, int16 0, then n float4 (vector_recv).
Fault Pgvector(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);

// Dates and times (encoders_time.cc).
Fault Date(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault DateTimestamp(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault DateText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Time(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault TimeText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault Timestamp(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault TimestampTz(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
/// A TIMESTAMP_TZ value's UTC offset in minutes east of UTC, into a smallint, integer or
/// bigint column (TargetColumn::tz_offset).
Fault TimestampTzOffset(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault NtzText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault LtzText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);
Fault TzText(std::string_view wire, const ColumnPlan& plan, CopyBuffer& out);

/// Closes a text field begun at `start` (CopyBuffer::BeginField), refusing NUL bytes and
/// checking varchar(n) / char(n) lengths in characters.
Fault EndText(CopyBuffer& out, size_t start, const ColumnPlan& plan);

}  // namespace sf2pg::snowflake::enc
