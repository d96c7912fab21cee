// fuzz_common.h: what the fuzz targets share: a check that stops the run with a message, and a
// reader that splits one fuzz input into parts.
//
// A fuzz target must never throw, assert or read out of bounds on any input; where it checks a
// property (decode, encode, decode again gives the same bytes) a failure calls fuzzCheckFailed(),
// which prints what broke and aborts, so libFuzzer saves the input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

namespace fuzz {

[[noreturn]] inline void fuzzCheckFailed(const char* what, const char* file, int line) {
    std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", what, file, line);
    std::abort();
}

// Reads an input front to back: small integers, then length-prefixed slices. Past the end every
// read gives zero or an empty slice, so any input is a valid one.
class InputReader {
public:
    InputReader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}

    uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    uint16_t u16() { uint16_t lo = byte(); return uint16_t(lo | uint16_t(byte()) << 8); }
    // A slice of up to `max` bytes whose length is the next u16.
    std::span<const uint8_t> slice(size_t max) {
        size_t n = u16();
        if (n > max) n = max;
        if (n > m_size - m_pos) n = m_size - m_pos;
        std::span<const uint8_t> s(m_data + m_pos, n);
        m_pos += n;
        return s;
    }
    std::string_view text(size_t max) {
        auto s = slice(max);
        return {reinterpret_cast<const char*>(s.data()), s.size()};
    }
    bool atEnd() const { return m_pos >= m_size; }
    // Everything not read yet.
    std::span<const uint8_t> rest() {
        std::span<const uint8_t> s(m_data + m_pos, m_size - m_pos);
        m_pos = m_size;
        return s;
    }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
};

}  // namespace fuzz

#define FUZZ_CHECK(cond) do { if (!(cond)) ::fuzz::fuzzCheckFailed(#cond, __FILE__, __LINE__); } while (0)
