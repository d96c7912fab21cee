// id_map.h: per-participant state on the client, looked up by participant id in O(1).
//
// A snapshot names 60-odd avatars and the client touches each one's track every tick; a tree
// map costs a chain of cache misses per lookup (the busiest line of a crowd's profile). Here an
// id indexes a small table (two bytes per id up to the largest seen, at most
// net::kMaxParticipants) that points into a dense vector of (id, value) pairs. Erasing moves the
// last pair into the hole, so the order of iteration is not the order of ids.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace client {

template <typename T> class IdMap {
public:
    using Item = std::pair<uint16_t, T>;

    T* find(uint16_t id) {
        uint16_t s = slot(id);
        return s ? &m_items[s - 1u].second : nullptr;
    }
    const T* find(uint16_t id) const {
        uint16_t s = slot(id);
        return s ? &m_items[s - 1u].second : nullptr;
    }
    // The value for id, default-constructed on first use.
    T& operator[](uint16_t id) {
        if (T* t = find(id)) return *t;
        if (id >= m_slots.size()) m_slots.resize(size_t(id) + 1, 0);
        m_items.emplace_back(id, T{});
        m_slots[id] = uint16_t(m_items.size());
        return m_items.back().second;
    }
    // Removes the item at index i (the last one takes its place). Returns false if i is past the end.
    bool eraseAt(size_t i) {
        if (i >= m_items.size()) return false;
        m_slots[m_items[i].first] = 0;
        if (i + 1 != m_items.size()) {
            m_items[i] = std::move(m_items.back());
            m_slots[m_items[i].first] = uint16_t(i + 1);
        }
        m_items.pop_back();
        return true;
    }
    void erase(uint16_t id) {
        if (uint16_t s = slot(id)) eraseAt(s - 1u);
    }
    void clear() {
        m_items.clear();
        m_slots.clear();
    }
    size_t size() const { return m_items.size(); }
    bool empty() const { return m_items.empty(); }
    Item& at(size_t i) { return m_items[i]; }
    auto begin() { return m_items.begin(); }
    auto end() { return m_items.end(); }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }

private:
    uint16_t slot(uint16_t id) const { return id < m_slots.size() ? m_slots[id] : uint16_t(0); }
    std::vector<uint16_t> m_slots;  // id -> index + 1 (0: none)
    std::vector<Item> m_items;
};

}  // namespace client
