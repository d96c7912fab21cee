// serialize.h: bit-packed streams for Dockhall's wire format.
//
// One templated `serialize(Stream&, T&)` per type reads, writes and measures (yojimbo style).
// Every integer read carries its range; a value outside the range, a read past the end, or a
// string that is too long makes the stream fail and serialize() return false. Network input
// never asserts, aborts or throws: a failed read drops the packet.
//
//   template <typename Stream> bool serialize(Stream& s, Foo& v) {
//       DH_SERIALIZE_INT(s, v.count, 0, 100);
//       DH_SERIALIZE_STRING(s, v.name, 64);
//       return true;
//   }
//
// Bits are packed little-endian into 32-bit words; strings and byte blocks are byte aligned.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace net {

// Number of bits needed to hold values in [0, range].
constexpr int bitsRequired(uint64_t range) { return int(std::bit_width(range)); }
static_assert(bitsRequired(0) == 0 && bitsRequired(1) == 1 && bitsRequired(255) == 8 && bitsRequired(256) == 9);

// Writes bits into a growing byte buffer.
class WriteStream {
public:
    static constexpr bool kReading = false;
    static constexpr bool kWriting = true;
    static constexpr bool kMeasuring = false;

    WriteStream() = default;
    // Writes into `reuse` (cleared; its capacity is kept), so a caller that encodes every tick
    // does not allocate; take the bytes back with takeBytes().
    explicit WriteStream(std::vector<uint8_t>&& reuse) : m_bytes(std::move(reuse)) { m_bytes.resize(m_bytes.capacity()); }

    [[gnu::always_inline]] bool serializeBits(uint32_t& value, int bits) {
        if (bits == 0) return true;
        uint64_t v = bits == 32 ? value : (value & ((1u << bits) - 1u));
        m_scratch |= v << m_scratchBits;
        m_scratchBits += bits;
        // A word at a time (little-endian, as the byte order of the stream): fewer appends.
        if (m_scratchBits >= 32) {
            uint8_t* p = room(4);
            p[0] = uint8_t(m_scratch);
            p[1] = uint8_t(m_scratch >> 8);
            p[2] = uint8_t(m_scratch >> 16);
            p[3] = uint8_t(m_scratch >> 24);
            m_scratch >>= 32;
            m_scratchBits -= 32;
        }
        return true;
    }
    [[gnu::always_inline]] bool serializeInt(int64_t& value, int64_t lo, int64_t hi) {
        if (value < lo || value > hi) return fail();  // writer bug or bad state: refuse, never clamp silently
        uint64_t rel = uint64_t(value - lo);
        return serializeWide(rel, bitsRequired(uint64_t(hi - lo)));
    }
    [[gnu::always_inline]] bool serializeWide(uint64_t& value, int bits) {
        while (bits > 0) {
            int n = bits > 32 ? 32 : bits;
            uint32_t part = uint32_t(value & (n == 32 ? 0xffffffffull : ((1ull << n) - 1)));
            serializeBits(part, n);
            value >>= n;
            bits -= n;
        }
        return true;
    }
    bool align() {
        if (m_scratchBits & 7) { uint32_t zero = 0; serializeBits(zero, 8 - (m_scratchBits & 7)); }
        while (m_scratchBits >= 8) {  // whole pending bytes out
            *room(1) = uint8_t(m_scratch & 0xff);
            m_scratch >>= 8;
            m_scratchBits -= 8;
        }
        return true;
    }
    bool serializeBytes(uint8_t* data, size_t n) {
        align();
        if (n) std::memcpy(room(n), data, n);
        return true;
    }
    bool failed() const { return m_failed; }
    // Flushes pending bits and returns the bytes written.
    const std::vector<uint8_t>& finish() { align(); m_bytes.resize(m_used); return m_bytes; }
    // Flushes pending bits and hands over the buffer (the stream is left empty).
    std::vector<uint8_t> takeBytes() {
        align();
        m_bytes.resize(m_used);
        m_used = 0;
        m_scratch = 0;
        m_scratchBits = 0;
        return std::move(m_bytes);
    }
    size_t bitsWritten() const { return m_used * 8 + size_t(m_scratchBits); }

private:
    bool fail() { m_failed = true; return false; }
    // The next n bytes of the buffer, which is kept sized ahead of what is written (m_used), so a
    // word written costs a store, not a vector resize that zero-fills it first.
    uint8_t* room(size_t n) {
        if (m_used + n > m_bytes.size()) m_bytes.resize(std::max({m_used + n, m_bytes.size() * 2, size_t(64)}));
        uint8_t* p = m_bytes.data() + m_used;
        m_used += n;
        return p;
    }
    std::vector<uint8_t> m_bytes;   // [0, m_used) written; the rest is room
    size_t m_used = 0;
    uint64_t m_scratch = 0;
    int m_scratchBits = 0;
    bool m_failed = false;
};

// Reads bits from a byte buffer it does not own. Fails (and stays failed) on any overrun.
class ReadStream {
public:
    static constexpr bool kReading = true;
    static constexpr bool kWriting = false;
    static constexpr bool kMeasuring = false;

    ReadStream(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}

    [[gnu::always_inline]] bool serializeBits(uint32_t& value, int bits) {
        if (m_failed) return false;
        if (bits == 0) { value = 0; return true; }
        if (m_bitPos + size_t(bits) > m_size * 8) return fail();
        // The (up to) eight bytes from the one holding the first bit, little-endian: at most
        // 7 + 32 bits are needed, so one load serves (every client decodes every snapshot).
        const size_t byte = m_bitPos >> 3;
        const size_t have = m_size - byte;
        uint64_t word = 0;
        if (std::endian::native == std::endian::little && have >= 8) {
            std::memcpy(&word, m_data + byte, 8);
        } else {
            for (size_t i = 0; i < have && i < 8; ++i) word |= uint64_t(m_data[byte + i]) << (8 * i);
        }
        value = uint32_t((word >> (m_bitPos & 7)) & ((uint64_t(1) << bits) - 1));
        m_bitPos += size_t(bits);
        return true;
    }
    [[gnu::always_inline]] bool serializeInt(int64_t& value, int64_t lo, int64_t hi) {
        uint64_t rel = 0;
        if (!serializeWide(rel, bitsRequired(uint64_t(hi - lo)))) return false;
        if (rel > uint64_t(hi - lo)) return fail();
        value = lo + int64_t(rel);
        return true;
    }
    bool serializeWide(uint64_t& value, int bits) {
        value = 0;
        int shift = 0;
        while (bits > 0) {
            int n = bits > 32 ? 32 : bits;
            uint32_t part = 0;
            if (!serializeBits(part, n)) return false;
            value |= uint64_t(part) << shift;
            shift += n;
            bits -= n;
        }
        return true;
    }
    bool align() {
        if (m_failed) return false;
        size_t pad = (8 - (m_bitPos & 7)) & 7;
        if (pad) {
            uint32_t z = 0;
            if (!serializeBits(z, int(pad))) return false;
            if (z != 0) return fail();  // padding must be zero
        }
        return true;
    }
    bool serializeBytes(uint8_t* data, size_t n) {
        if (!align()) return false;
        if ((m_bitPos >> 3) + n > m_size) return fail();
        if (n) std::memcpy(data, m_data + (m_bitPos >> 3), n);
        m_bitPos += n * 8;
        return true;
    }
    bool failed() const { return m_failed; }
    size_t bitsRead() const { return m_bitPos; }
    size_t bytesRemaining() const { return m_size - ((m_bitPos + 7) >> 3); }

private:
    bool fail() { m_failed = true; return false; }
    const uint8_t* m_data;
    size_t m_size;
    size_t m_bitPos = 0;
    bool m_failed = false;
};

// Counts bits without writing; used to budget snapshots and size buffers.
class MeasureStream {
public:
    static constexpr bool kReading = false;
    static constexpr bool kWriting = false;
    static constexpr bool kMeasuring = true;

    bool serializeBits(uint32_t&, int bits) { m_bits += size_t(bits); return true; }
    bool serializeInt(int64_t&, int64_t lo, int64_t hi) { m_bits += size_t(bitsRequired(uint64_t(hi - lo))); return true; }
    bool serializeWide(uint64_t&, int bits) { m_bits += size_t(bits); return true; }
    bool align() { m_bits = (m_bits + 7) & ~size_t(7); return true; }
    bool serializeBytes(uint8_t*, size_t n) { align(); m_bits += n * 8; return true; }
    bool failed() const { return false; }
    size_t bits() const { return m_bits; }
    size_t bytes() const { return (m_bits + 7) / 8; }

private:
    size_t m_bits = 0;
};

// --- typed helpers -----------------------------------------------------------------------------

template <typename Stream, typename T>
bool serializeInt(Stream& s, T& v, int64_t lo, int64_t hi) {
    int64_t x = int64_t(v);
    if (!s.serializeInt(x, lo, hi)) return false;
    if constexpr (Stream::kReading) v = T(x);
    return true;
}

template <typename Stream>
bool serializeBool(Stream& s, bool& b) {
    uint32_t x = b ? 1u : 0u;
    if (!s.serializeBits(x, 1)) return false;
    if constexpr (Stream::kReading) b = x != 0;
    return true;
}

template <typename Stream>
bool serializeU32(Stream& s, uint32_t& v) { return s.serializeBits(v, 32); }

template <typename Stream>
bool serializeU64(Stream& s, uint64_t& v) { return s.serializeWide(v, 64); }

template <typename Stream>
bool serializeFloat(Stream& s, float& f) {
    uint32_t bits = 0;
    if constexpr (!Stream::kReading) std::memcpy(&bits, &f, 4);
    if (!s.serializeBits(bits, 32)) return false;
    if constexpr (Stream::kReading) {
        std::memcpy(&f, &bits, 4);
        if (f != f) return false;  // NaN is never valid on the wire
    }
    return true;
}

// A float quantized to `step` inside [lo, hi]. The reader gets lo + k*step.
template <typename Stream>
bool serializeQuantized(Stream& s, float& f, float lo, float hi, float step) {
    int64_t maxK = int64_t((hi - lo) / step + 0.5f);
    int64_t k = 0;
    if constexpr (!Stream::kReading) {
        float c = f < lo ? lo : (f > hi ? hi : f);
        k = int64_t((c - lo) / step + 0.5f);
        if (k > maxK) k = maxK;
    }
    if (!s.serializeInt(k, 0, maxK)) return false;
    if constexpr (Stream::kReading) f = lo + float(k) * step;
    return true;
}

// UTF-8 string of at most maxBytes bytes. The reader rejects invalid UTF-8 and control
// characters other than newline and tab, so nothing downstream has to.
bool isCleanUtf8(const char* s, size_t n, bool allowNewline);

template <typename Stream>
bool serializeString(Stream& s, std::string& str, uint32_t maxBytes, bool allowNewline = false) {
    int64_t len = int64_t(str.size());
    if constexpr (!Stream::kReading) {
        if (str.size() > maxBytes) return false;
    }
    if (!s.serializeInt(len, 0, maxBytes)) return false;
    if constexpr (Stream::kReading) str.resize(size_t(len));
    if (!s.serializeBytes(reinterpret_cast<uint8_t*>(str.data()), size_t(len))) return false;
    if constexpr (Stream::kReading) {
        if (!isCleanUtf8(str.data(), str.size(), allowNewline)) return false;
    }
    return true;
}

// A vector of at most maxCount elements, each with its own serialize().
template <typename Stream, typename T>
bool serializeVector(Stream& s, std::vector<T>& v, uint32_t maxCount) {
    int64_t n = int64_t(v.size());
    if constexpr (!Stream::kReading) {
        if (v.size() > maxCount) return false;
    }
    if (!s.serializeInt(n, 0, maxCount)) return false;
    if constexpr (Stream::kReading) v.resize(size_t(n));
    for (auto& e : v)
        if (!serialize(s, e)) return false;
    return true;
}

}  // namespace net

#define DH_SERIALIZE_INT(s, v, lo, hi)       do { if (!::net::serializeInt((s), (v), (lo), (hi))) return false; } while (0)
#define DH_SERIALIZE_BOOL(s, v)              do { if (!::net::serializeBool((s), (v))) return false; } while (0)
#define DH_SERIALIZE_U32(s, v)               do { if (!::net::serializeU32((s), (v))) return false; } while (0)
#define DH_SERIALIZE_U64(s, v)               do { if (!::net::serializeU64((s), (v))) return false; } while (0)
#define DH_SERIALIZE_FLOAT(s, v)             do { if (!::net::serializeFloat((s), (v))) return false; } while (0)
#define DH_SERIALIZE_QFLOAT(s, v, lo, hi, q) do { if (!::net::serializeQuantized((s), (v), (lo), (hi), (q))) return false; } while (0)
#define DH_SERIALIZE_STRING(s, v, max)       do { if (!::net::serializeString((s), (v), (max))) return false; } while (0)
#define DH_SERIALIZE_TEXT(s, v, max)         do { if (!::net::serializeString((s), (v), (max), true)) return false; } while (0)
#define DH_SERIALIZE_VECTOR(s, v, max)       do { if (!::net::serializeVector((s), (v), (max))) return false; } while (0)
#define DH_SERIALIZE_OBJECT(s, v)            do { if (!serialize((s), (v))) return false; } while (0)
