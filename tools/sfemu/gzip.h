// gzip (RFC 1952) compression of partition bodies with zlib.
#pragma once

#include <string>
#include <string_view>

namespace sf2pg::sfemu {

/// Compresses `data` as one gzip member. `level` is zlib's 0-9. Throws Error.
std::string Gzip(std::string_view data, int level);
/// Decompresses a gzip body (all members). Throws Error for corrupt input.
std::string Gunzip(std::string_view data);

}  // namespace sf2pg::sfemu
