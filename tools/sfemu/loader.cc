#include "loader.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "cancel.h"
#include "core/error.h"
#include "core/quote.h"
#include "core/strings.h"
#include "error.h"
#include "executor.h"
#include "generator.h"
#include "json_text.h"
#include "lexer.h"
#include "log/log.h"
#include "values.h"

namespace sf2pg::sfemu {
namespace {

using postgres::Connection;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// COPY text format escaping.
void AppendCopyText(std::string& out, std::string_view value) {
  for (char c : value) {
    if (const char* e = ShortEscape(c)) {
      out += e;
    } else {
      out += c;
    }
  }
}

/// Runs Snowflake DDL text through the executor (all statements, any number).
void RunDdl(const postgres::ConnectParams& pg, const std::string& sql, const std::string& origin) {
  BlobStore blobs(size_t{64} << 20, "");
  CatalogCache cache;
  Executor executor(pg, blobs, cache, PartitionPolicy{});
  ExecRequest request;
  request.sql = sql;
  request.statement_count = 0;
  request.timezone = "UTC";
  CancelToken token(0);
  try {
    executor.Run(request, token, executor.Generation());
  } catch (const Error& e) {
    throw ConfigError(origin + ": " + e.what());
  }
}

/// DB.SCHEMA.TABLE in Snowflake identifier syntax.
std::vector<std::string> TableName(const std::string& text) {
  std::vector<std::string> parts;
  try {
    for (const auto& t : Tokenize(text)) {
      if (t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier) {
        parts.push_back(t.text);
      } else if (t.kind != TokenKind::kEnd && !t.Is(".")) {
        throw ConfigError("bad table name '" + text + "'");
      }
    }
  } catch (const Error& e) {
    throw ConfigError("bad table name '" + text + "': " + e.what());
  }
  if (parts.size() != 3) throw ConfigError("name tables as DATABASE.SCHEMA.TABLE: '" + text + "'");
  return parts;
}

CatalogTable FindTable(Connection& conn, const std::vector<std::string>& parts,
                       const std::string& text) {
  PgCatalog catalog(conn, nullptr, 0);
  auto table = catalog.FindTable(parts[0], parts[1], parts[2]);
  if (!table) throw ConfigError("table " + text + " does not exist (create it with --ddl)");
  return *table;
}

int64_t LoadCsv(Connection& conn, const std::string& spec, bool header) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos) throw ConfigError("--csv takes TABLE=FILE, got '" + spec + "'");
  std::string name = spec.substr(0, eq), path = spec.substr(eq + 1);
  CatalogTable table = FindTable(conn, TableName(name), name);
  std::vector<int64_t> lines;
  std::vector<std::vector<std::optional<std::string>>> records;
  try {
    records = ParseCsv(ReadFile(path), &lines);
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
  size_t first = header && !records.empty() ? 1 : 0;
  for (size_t i = first; i < records.size(); ++i) {
    if (records[i].size() != table.columns.size()) {
      throw ConfigError(path + ":" + std::to_string(lines[i]) + ": " +
                        std::to_string(records[i].size()) + " fields, table " + name + " has " +
                        std::to_string(table.columns.size()) + " columns");
    }
  }
  auto rows = [&](int64_t i, std::vector<std::optional<std::string>>& fields) {
    fields = records[first + static_cast<size_t>(i)];
  };
  auto where = [&](int64_t i) {
    return path + ":" + std::to_string(lines[first + static_cast<size_t>(i)]);
  };
  return CopyRows(conn, table, static_cast<int64_t>(records.size() - first), rows, where);
}

int64_t Generate(const postgres::ConnectParams& pg, Connection& conn, const GeneratedTable& t) {
  RunDdl(pg,
         "CREATE DATABASE IF NOT EXISTS " + t.database + ";\nCREATE SCHEMA IF NOT EXISTS " +
             t.database + "." + t.schema + ";\n" + t.ddl,
         "data set table " + t.name);
  CatalogTable table = FindTable(conn, {t.database, t.schema, t.name}, t.name);
  auto where = [&](int64_t i) {
    return t.database + "." + t.schema + "." + t.name + " row " + std::to_string(i + 1);
  };
  return CopyRows(conn, table, t.rows, t.source, where);
}

}  // namespace

std::vector<std::vector<std::optional<std::string>>> ParseCsv(std::string_view text,
                                                              std::vector<int64_t>* line_numbers) {
  std::vector<std::vector<std::optional<std::string>>> records;
  std::vector<std::optional<std::string>> record;
  std::string field;
  bool quoted = false, in_quotes = false, any = false;
  int64_t line = 1, record_line = 1;
  auto end_field = [&] {
    if (!quoted && (field.empty() || field == "\\N")) {
      record.emplace_back(std::nullopt);
    } else {
      record.emplace_back(field);
    }
    field.clear();
    quoted = false;
  };
  auto end_record = [&] {
    end_field();
    records.push_back(std::move(record));
    if (line_numbers) line_numbers->push_back(record_line);
    record.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (!any) record_line = line;
    any = true;
    if (c == '"' && field.empty()) {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++line;
      end_record();
    } else {
      field += c;
    }
  }
  if (in_quotes)
    throw ConfigError("unterminated quoted field starting on line " + std::to_string(record_line));
  if (any) end_record();
  return records;
}

int64_t CopyRows(Connection& conn, const CatalogTable& table, int64_t count, const RowSource& rows,
                 const std::function<std::string(int64_t)>& where) {
  std::string columns;
  for (const auto& c : table.columns) {
    columns += (columns.empty() ? "" : ", ") + pg::QuoteIdent(c.pg_name);
    if (c.type.kind == SfKind::kTimestampTz) columns += ", " + pg::QuoteIdent(c.OffsetPgName());
  }
  conn.Exec("BEGIN");
  conn.Exec("SET LOCAL TIME ZONE 'UTC'");
  conn.CopyBegin("COPY " + table.PgQualified() + " (" + columns + ") FROM STDIN");
  std::string buffer;
  std::vector<std::optional<std::string>> fields;
  try {
    for (int64_t i = 0; i < count; ++i) {
      rows(i, fields);
      for (size_t k = 0; k < table.columns.size(); ++k) {
        const CatalogColumn& col = table.columns[k];
        bool tz = col.type.kind == SfKind::kTimestampTz;
        if (k) buffer += '\t';
        const auto& f = k < fields.size() ? fields[k] : std::nullopt;
        if (!f) {
          buffer += tz ? "\\N\t\\N" : "\\N";
          continue;
        }
        PgInput in;
        try {
          in = ToPgInput(col.type, *f);
        } catch (const Error& e) {
          throw DataError(where(i) + ": column " + col.name + " (" + col.type.DeclaredName() +
                          "): " + e.what());
        }
        if (in.offset_from_session) {
          throw DataError(where(i) + ": column " + col.name +
                          ": a TIMESTAMP_TZ value needs an explicit offset for the loader");
        }
        AppendCopyText(buffer, in.value);
        if (tz) buffer += "\t" + in.offset;
      }
      buffer += '\n';
      if (buffer.size() > (1 << 20)) {
        conn.CopyPut(buffer);
        buffer.clear();
      }
    }
    conn.CopyPut(buffer);
    conn.CopyEnd();
  } catch (...) {
    conn.CopyAbort("sfemu load failed");
    conn.Exec("ROLLBACK");
    throw;
  }
  PgCatalog catalog(conn, nullptr, 0);
  catalog.AdjustRowCount(table, count);
  PgCatalog::BumpGeneration(conn);
  conn.Exec("COMMIT");
  return count;
}

int RunLoad(const postgres::ConnectParams& pg, const LoadOptions& options) {
  Connection conn(pg);
  PgCatalog::Bootstrap(conn);
  for (const auto& file : options.ddl_files) {
    RunDdl(pg, ReadFile(file), file);
    log::Info("ran DDL", {{"file", file}});
  }
  for (const auto& spec : options.csv_files) {
    auto start = std::chrono::steady_clock::now();
    int64_t n = LoadCsv(conn, spec, options.csv_header);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log::Info("loaded CSV", {{"source", spec}, {"rows", n}, {"seconds", s}});
  }
  if (!options.dataset.empty()) {
    bool found = options.only_table.empty();
    for (const auto& t : Dataset(options.dataset, options.rows, options.seed)) {
      std::string upper = Upper(options.only_table);
      if (!options.only_table.empty() && upper != t.name &&
          upper != t.database + "." + t.schema + "." + t.name) {
        continue;
      }
      found = true;
      auto start = std::chrono::steady_clock::now();
      int64_t n = Generate(pg, conn, t);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      log::Info(
          "generated",
          {{"table", t.database + "." + t.schema + "." + t.name}, {"rows", n}, {"seconds", s}});
    }
    if (!found)
      throw ConfigError("data set " + options.dataset + " has no table " + options.only_table);
  }
  return 0;
}

}  // namespace sf2pg::sfemu
