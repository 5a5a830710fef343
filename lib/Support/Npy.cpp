//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "pagoda/Support/Npy.h"

#include "pagoda/Support/File.h"

#include <cctype>
#include <cstring>

namespace pagoda {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
    ++i;
  return s.substr(i);
}

/// The value text after 'key': in a Python dict literal.
bool findValue(const std::string &header, const std::string &key, std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t start = colon + 1;
  while (start < header.size() && header[start] == ' ')
    ++start;
  size_t end = start;
  if (start < header.size() && header[start] == '(')
    end = header.find(')', start) + 1;
  else if (start < header.size() && header[start] == '\'')
    end = header.find('\'', start + 1) + 1;
  else
    end = header.find_first_of(",}", start);
  if (end == std::string::npos || end == 0 || end > header.size())
    return false;
  value = trimmed(header.substr(start, end - start));
  return true;
}

size_t itemSize(const std::string &descr) {
  if (descr.size() < 3)
    return 0;
  size_t n = 0;
  for (size_t i = 2; i < descr.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(descr[i])))
      return 0;
    n = n * 10 + size_t(descr[i] - '0');
  }
  return n;
}

} // namespace

Result<NpyArray> parseNpy(const uint8_t *bytes, size_t size, const std::string &source) {
  auto fail = [&](const std::string &what) { return Error(source + ": " + what); };
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(bytes, magic, 6) != 0)
    return fail("not a .npy file (bad magic)");
  unsigned major = bytes[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = size_t(bytes[8]) | size_t(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return fail("truncated header");
    headerLen = size_t(bytes[8]) | size_t(bytes[9]) << 8 | size_t(bytes[10]) << 16 |
                size_t(bytes[11]) << 24;
    offset = 12;
  } else {
    return fail("unsupported .npy version " + std::to_string(major));
  }
  if (headerLen > size - offset)
    return fail("truncated header");
  std::string header(reinterpret_cast<const char *>(bytes + offset), headerLen);
  NpyArray a;
  std::string descr, fortran, shape;
  if (!findValue(header, "descr", descr) || !findValue(header, "fortran_order", fortran) ||
      !findValue(header, "shape", shape))
    return fail("malformed header: " + trimmed(header));
  if (descr.size() < 2 || descr.front() != '\'' || descr.back() != '\'')
    return fail("malformed descr " + descr);
  a.descr = descr.substr(1, descr.size() - 2);
  if (fortran != "False")
    return fail("Fortran-order arrays are not supported (save with np.ascontiguousarray)");
  if (a.descr[0] == '>')
    return fail("big-endian arrays are not supported (dtype " + a.descr + ")");
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
    return fail("malformed shape " + shape);
  std::string dims = shape.substr(1, shape.size() - 2);
  size_t pos = 0;
  uint64_t count = 1;
  while (pos < dims.size()) {
    size_t comma = dims.find(',', pos);
    std::string d =
        trimmed(dims.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    pos = comma == std::string::npos ? dims.size() : comma + 1;
    if (d.empty())
      continue;
    for (char c : d)
      if (!std::isdigit(static_cast<unsigned char>(c)))
        return fail("malformed shape " + shape);
    if (d.size() > 15)
      return fail("implausible dimension " + d);
    int64_t v = std::stoll(d);
    if (v && count > (uint64_t(1) << 62) / uint64_t(v))
      return fail("implausible shape " + shape);
    a.shape.push_back(v);
    count *= uint64_t(v);
  }
  size_t item = itemSize(a.descr);
  if (!item)
    return fail("unsupported dtype '" + a.descr + "'");
  size_t dataAt = offset + headerLen;
  if (count > (size - dataAt) / item || count * item != size - dataAt)
    return fail("holds " + std::to_string(size - dataAt) + " data bytes, the header implies " +
                std::to_string(count * item));
  a.data.assign(bytes + dataAt, bytes + size);
  return a;
}

Result<NpyArray> readNpy(const std::string &path) {
  Result<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes)
    return bytes.error();
  return parseNpy(bytes->data(), bytes->size(), path);
}

std::vector<uint8_t> serializeNpy(const NpyArray &a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i)
    shape += std::to_string(a.shape[i]) + (a.shape.size() == 1      ? ","
                                           : i + 1 < a.shape.size() ? ", "
                                                                    : "");
  shape += ")";
  std::string header =
      "{'descr': '" + a.descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts on a 64-byte boundary, ending in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(uint8_t(header.size() & 0xFF));
  out.push_back(uint8_t(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

Result<bool> writeNpy(const std::string &path, const NpyArray &a) {
  std::vector<uint8_t> bytes = serializeNpy(a);
  return writeFile(path, bytes.data(), bytes.size());
}

} // namespace pagoda
