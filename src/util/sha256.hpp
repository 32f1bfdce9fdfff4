// SHA-256 (FIPS 180-4), for content fingerprints of policy packages and inputs (what was
// evaluated, reproducibly). A plain digest, not a MAC: it authenticates nothing by itself.
#ifndef ENTITLE_UTIL_SHA256_HPP_
#define ENTITLE_UTIL_SHA256_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace entitle {

// Incremental hasher: update() any number of times, then hex_digest(). A Sha256 object is a plain
// value (copyable); one object must not be used from two threads at once.
class Sha256 {
 public:
  Sha256() noexcept;

  // Appends bytes to the message. Messages of 2^61 bytes or more wrap the length field as the
  // standard's 64-bit bit count does (that is, are not supported).
  void update(std::string_view bytes) noexcept;

  // The digest of everything passed to update() so far, as 64 lowercase hex digits. Does not
  // change the state: more update() calls may follow, and the digest then covers the longer
  // message.
  std::string hex_digest() const;

  // The digest as 32 bytes (the same value as hex_digest).
  std::array<unsigned char, 32> digest() const noexcept;

 private:
  void compress(const unsigned char* block) noexcept;

  std::array<std::uint32_t, 8> state_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;       // bytes in buffer_, always < 64
  std::uint64_t total_bytes_ = 0;  // message length so far
};

// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// Whether this CPU has the x86 SHA extensions, which Sha256 then uses (chosen once, at start).
bool sha256_uses_hardware() noexcept;

// The portable compression function, so that tests can compare it with the hardware one.
void sha256_compress_portable_for_testing(std::array<std::uint32_t, 8>& state,
                                          const unsigned char* block) noexcept;

}  // namespace entitle

#endif  // ENTITLE_UTIL_SHA256_HPP_
