#include "util/sha256.hpp"

#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace entitle {
namespace {

// Bytes 0, 1, 2, ... (mod 256), n of them.
std::string counting_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>(i % 256);
  return s;
}

TEST_CASE("sha256_hex: FIPS 180-4 / NIST vectors", "[sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(
      sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
                 "klmnopqrlmnopqrsmnopqrstnopqrstu") ==
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256_hex: padding boundaries", "[sha256]") {
  // Lengths around 56 and 64 bytes, where the length field spills into an extra block.
  struct Case {
    std::size_t length;
    const char* digest;
  };
  const Case cases[] = {
      {55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"},
      {56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"},
      {57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"},
      {63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"},
      {64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"},
      {65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"},
      {119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"},
      {120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"},
      {128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"},
      {256, "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880"},
  };
  for (const Case& c : cases) {
    INFO("length " << c.length);
    CHECK(sha256_hex(counting_bytes(c.length)) == c.digest);
  }
}

TEST_CASE("Sha256: incremental updates match one-shot", "[sha256]") {
  const std::string message = counting_bytes(300);
  for (std::size_t length : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 127u, 128u, 129u, 300u}) {
    const std::string_view whole(message.data(), length);
    const std::string want = sha256_hex(whole);
    for (std::size_t chunk = 1; chunk <= 70; ++chunk) {
      Sha256 hasher;
      for (std::size_t pos = 0; pos < length; pos += chunk)
        hasher.update(whole.substr(pos, chunk));
      INFO("length " << length << " chunk " << chunk);
      REQUIRE(hasher.hex_digest() == want);
    }
  }
}

TEST_CASE("Sha256: hex_digest does not disturb the state", "[sha256]") {
  Sha256 hasher;
  hasher.update(std::string_view());  // empty (null data) update is a no-op
  CHECK(hasher.hex_digest() == sha256_hex(""));
  hasher.update("ab");
  CHECK(hasher.hex_digest() == sha256_hex("ab"));
  CHECK(hasher.hex_digest() == sha256_hex("ab"));  // repeatable
  hasher.update("c");
  CHECK(hasher.hex_digest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Bytes are hashed as bytes: NUL and high bytes included.
  CHECK(sha256_hex(std::string_view("\0", 1)) ==
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST_CASE("Sha256: the hardware and portable compressions agree", "[sha256]") {
  // On a CPU without the SHA extensions both sides are the portable function: still a check.
  INFO("hardware: " << sha256_uses_hardware());
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int trial = 0; trial < 200; ++trial) {
    unsigned char block[64];
    for (auto& b : block) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b = static_cast<unsigned char>(x);
    }
    Sha256 hasher;
    hasher.update(std::string_view(reinterpret_cast<const char*>(block), 64));
    hasher.update(std::string_view(reinterpret_cast<const char*>(block), 64));
    // The same two blocks through the portable function, then the usual padding block.
    std::array<std::uint32_t, 8> state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    sha256_compress_portable_for_testing(state, block);
    sha256_compress_portable_for_testing(state, block);
    unsigned char padding[64] = {0x80};
    padding[62] = 0x04;  // 1024 bits, big-endian
    sha256_compress_portable_for_testing(state, padding);
    auto digest = hasher.digest();
    for (std::size_t i = 0; i < 8; ++i) {
      std::uint32_t word = (std::uint32_t{digest[4 * i]} << 24) |
                           (std::uint32_t{digest[4 * i + 1]} << 16) |
                           (std::uint32_t{digest[4 * i + 2]} << 8) | digest[4 * i + 3];
      REQUIRE(word == state[i]);
    }
  }
}

}  // namespace
}  // namespace entitle
