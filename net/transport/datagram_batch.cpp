// datagram_batch.cpp: batched datagrams under ENet, and the program's own enet_socket_send,
// enet_socket_receive and enet_socket_wait (datagram_batch.h).
#include "net/transport/datagram_batch.h"

#include <enet/enet.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace net {

namespace {

// One sendmmsg's worth of datagrams, their bytes packed one after another (a snapshot datagram
// is ~150 bytes; a slot of the largest size for each would spread a batch over 64 pages).
constexpr size_t kSendArenaBytes = 16 * kBatchSlotBytes;
struct SendBatch {
    std::array<mmsghdr, kBatchDatagrams> msgs{};
    std::array<iovec, kBatchDatagrams> iov{};
    std::array<sockaddr_in, kBatchDatagrams> addr{};
    std::unique_ptr<uint8_t[]> bytes{new uint8_t[kSendArenaBytes]};
    size_t count = 0, used = 0;  // datagrams, arena bytes
};

// Batches in the sending thread's queue or being filled: a tick at 2,000 clients hands over ~19
// (measured: with 8 the tick waited for the sender; with 32 it does not), and the filler waits
// only when the sender is this far behind.
constexpr size_t kSendBatches = 32;

}  // namespace

struct DatagramBatch::Impl {
    int socket = -1;
    DatagramBatchCounters counters;  // the receiving half here; the sending half under `mutex`

    std::vector<std::unique_ptr<SendBatch>> sendPool;
    SendBatch* filling = nullptr;    // where queue() copies datagrams (the servicing thread's)

    // The sending thread (when there is one): full batches wait in `full`, in order, and go back
    // to `spare` once sent.
    std::thread sender;
    std::mutex mutex;
    std::condition_variable work, freed;
    std::deque<SendBatch*> full;
    std::vector<SendBatch*> spare;
    bool sending = false, stop = false;
    uint64_t sendCalls = 0, datagramsSent = 0, sendDropped = 0;

    std::array<mmsghdr, kBatchDatagrams> recvMsgs{};
    std::array<iovec, kBatchDatagrams> recvIov{};
    std::array<sockaddr_in, kBatchDatagrams> recvAddr{};
    std::unique_ptr<uint8_t[]> recvBytes{new uint8_t[kBatchDatagrams * kBatchSlotBytes]};
    size_t recvCount = 0, recvNext = 0;  // read ahead: [recvNext, recvCount) not yet handed out

    int queue(const ENetAddress* address, const ENetBuffer* buffers, size_t bufferCount);
    void sendQueued();                 // the filling batch: sent now, or handed to the sender
    void sendAll(SendBatch& batch);    // one batch to the kernel (either thread)
    void senderMain();
    void drain();                      // returns once everything queued has been sent
    int receive(ENetAddress* address, ENetBuffer* buffers, size_t bufferCount);
    void prepareReceive();
    bool readAhead() const { return recvNext < recvCount; }
};

struct ReadAhead::Impl {
    int socket = -1;
    DatagramBatchCounters counters;  // the receiving half
    bool drained = false;   // a read came up short: the socket was empty (until the scope ends)
    bool pending = false;   // a second datagram, read with the first, not yet handed out
    size_t length = 0;
    sockaddr_in from{};
    std::unique_ptr<uint8_t[]> bytes{new uint8_t[kBatchSlotBytes]};

    int receive(ENetAddress* address, ENetBuffer* buffers, size_t bufferCount);
};

namespace {

thread_local DatagramBatch::Impl* t_batch = nullptr;  // the open scope's batch on this thread
thread_local ReadAhead::Impl* t_readAhead = nullptr;  // the open scope's read-ahead on this thread
std::atomic<bool> g_interposed{false};

void noteInterposed() {
    if (!g_interposed.load(std::memory_order_relaxed)) g_interposed.store(true, std::memory_order_relaxed);
}

DatagramBatch::Impl* batchFor(ENetSocket socket) {
    DatagramBatch::Impl* b = t_batch;
    return b && b->socket == socket ? b : nullptr;
}

ReadAhead::Impl* readAheadFor(ENetSocket socket) {
    ReadAhead::Impl* r = t_readAhead;
    return r && r->socket == socket ? r : nullptr;
}

void toAddress(const sockaddr_in& sin, ENetAddress* address) {
    if (!address) return;
    address->host = sin.sin_addr.s_addr;
    address->port = ntohs(sin.sin_port);
}

void toSockaddr(const ENetAddress& a, sockaddr_in& sin) {
    sin = {};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(a.port);
    sin.sin_addr.s_addr = a.host;
}

// Copies a datagram of `length` bytes into ENet's buffers; false if they cannot hold it.
bool scatter(const uint8_t* data, size_t length, ENetBuffer* buffers, size_t bufferCount) {
    size_t room = 0;
    for (size_t i = 0; i < bufferCount; ++i) room += buffers[i].dataLength;
    if (length > room) return false;
    for (size_t i = 0; i < bufferCount && length > 0; ++i) {
        size_t n = std::min(length, buffers[i].dataLength);
        std::memcpy(buffers[i].data, data, n);
        data += n;
        length -= n;
    }
    return true;
}

}  // namespace

int DatagramBatch::Impl::queue(const ENetAddress* address, const ENetBuffer* buffers, size_t bufferCount) {
    size_t length = 0;
    for (size_t i = 0; i < bufferCount; ++i) length += buffers[i].dataLength;
    if (length > kBatchSlotBytes) return -1;  // larger than any ENet datagram: not ENet's
    if (filling->count == kBatchDatagrams || filling->used + length > kSendArenaBytes) sendQueued();
    SendBatch& b = *filling;
    const size_t k = b.count++;
    uint8_t* slot = b.bytes.get() + b.used;
    b.used += length;
    size_t at = 0;
    for (size_t i = 0; i < bufferCount; ++i) {
        std::memcpy(slot + at, buffers[i].data, buffers[i].dataLength);
        at += buffers[i].dataLength;
    }
    b.iov[k] = {slot, length};
    msghdr& h = b.msgs[k].msg_hdr;
    h = {};
    if (address) {
        toSockaddr(*address, b.addr[k]);
        h.msg_name = &b.addr[k];
        h.msg_namelen = sizeof(sockaddr_in);
    }
    h.msg_iov = &b.iov[k];
    h.msg_iovlen = 1;
    return int(length);  // as a send would say: ENet counts it sent
}

void DatagramBatch::Impl::sendAll(SendBatch& b) {
    uint64_t calls = 0, sent = 0, dropped = 0;
    size_t i = 0;
    while (i < b.count) {
        int r = sendmmsg(socket, b.msgs.data() + i, unsigned(b.count - i), MSG_NOSIGNAL);
        if (r > 0) {
            ++calls;
            sent += uint64_t(r);
            i += size_t(r);
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else {
            // The first of the rest was refused (a full send buffer, an unreachable address):
            // lost, as ENet's own send would lose it; the others still get their try.
            ++dropped;
            ++i;
        }
    }
    b.count = b.used = 0;
    std::lock_guard lock(mutex);
    sendCalls += calls;
    datagramsSent += sent;
    sendDropped += dropped;
}

void DatagramBatch::Impl::sendQueued() {
    if (filling->count == 0) return;
    if (!sender.joinable()) {
        sendAll(*filling);
        return;
    }
    std::unique_lock lock(mutex);
    full.push_back(filling);
    work.notify_one();
    freed.wait(lock, [this] { return !spare.empty(); });  // only when the sender is kSendBatches behind
    filling = spare.back();
    spare.pop_back();
}

void DatagramBatch::Impl::senderMain() {
    std::unique_lock lock(mutex);
    for (;;) {
        work.wait(lock, [this] { return stop || !full.empty(); });
        if (full.empty()) return;  // stopped, and everything handed over has left
        SendBatch* b = full.front();
        full.pop_front();
        sending = true;
        lock.unlock();
        sendAll(*b);
        lock.lock();
        sending = false;
        spare.push_back(b);
        freed.notify_all();
    }
}

void DatagramBatch::Impl::drain() {
    sendQueued();
    if (!sender.joinable()) return;
    std::unique_lock lock(mutex);
    freed.wait(lock, [this] { return full.empty() && !sending; });
}

int DatagramBatch::Impl::receive(ENetAddress* address, ENetBuffer* buffers, size_t bufferCount) {
    for (;;) {
        while (recvNext < recvCount) {
            const size_t k = recvNext++;
            const mmsghdr& m = recvMsgs[k];
            const uint8_t* data = recvBytes.get() + k * kBatchSlotBytes;
            if ((m.msg_hdr.msg_flags & MSG_TRUNC) || !scatter(data, m.msg_len, buffers, bufferCount)) {
                ++counters.oversized;  // larger than any ENet datagram: dropped, the next is read
                continue;
            }
            toAddress(recvAddr[k], address);
            return int(m.msg_len);
        }
        // The headers are set up once (prepareReceive); a read rewrites only the address length
        // of the slots it filled.
        for (size_t k = 0; k < recvCount; ++k) recvMsgs[k].msg_hdr.msg_namelen = sizeof(sockaddr_in);
        recvNext = recvCount = 0;
        int r = recvmmsg(socket, recvMsgs.data(), unsigned(kBatchDatagrams), MSG_DONTWAIT, nullptr);
        if (r < 0) {
            if (errno == EWOULDBLOCK || errno == EAGAIN || errno == EINTR) return 0;
            return -1;
        }
        if (r == 0) return 0;
        ++counters.receiveCalls;
        counters.datagramsReceived += uint64_t(r);
        recvCount = size_t(r);
    }
}

void DatagramBatch::Impl::prepareReceive() {
    for (size_t k = 0; k < kBatchDatagrams; ++k) {
        recvIov[k] = {recvBytes.get() + k * kBatchSlotBytes, kBatchSlotBytes};
        msghdr& h = recvMsgs[k].msg_hdr;
        h = {};
        h.msg_name = &recvAddr[k];
        h.msg_namelen = sizeof(sockaddr_in);
        h.msg_iov = &recvIov[k];
        h.msg_iovlen = 1;
    }
}

int ReadAhead::Impl::receive(ENetAddress* address, ENetBuffer* buffers, size_t bufferCount) {
    for (;;) {
        if (pending) {
            pending = false;
            if (scatter(bytes.get(), length, buffers, bufferCount)) {
                toAddress(from, address);
                return int(length);
            }
            ++counters.oversized;  // larger than ENet's buffer: skipped, as a plain read would
        }
        if (drained) return 0;
        // The first datagram straight into ENet's buffers (an ENetBuffer is an iovec), a second
        // into ours.
        sockaddr_in first{};
        iovec second{bytes.get(), kBatchSlotBytes};
        mmsghdr m[2]{};
        m[0].msg_hdr.msg_name = &first;
        m[0].msg_hdr.msg_namelen = sizeof first;
        m[0].msg_hdr.msg_iov = reinterpret_cast<iovec*>(buffers);
        m[0].msg_hdr.msg_iovlen = bufferCount;
        m[1].msg_hdr.msg_name = &from;
        m[1].msg_hdr.msg_namelen = sizeof from;
        m[1].msg_hdr.msg_iov = &second;
        m[1].msg_hdr.msg_iovlen = 1;
        int r = recvmmsg(socket, m, 2, MSG_DONTWAIT, nullptr);
        if (r < 0) {
            if (errno == EWOULDBLOCK || errno == EAGAIN) {
                drained = true;
                return 0;
            }
            return errno == EINTR ? 0 : -1;
        }
        if (r == 0) return 0;
        ++counters.receiveCalls;
        counters.datagramsReceived += uint64_t(r);
        if (r < 2) drained = true;  // nothing behind the first
        if (r == 2) {
            pending = !(m[1].msg_hdr.msg_flags & MSG_TRUNC);
            if (!pending) ++counters.oversized;
            length = m[1].msg_len;
        }
        if (m[0].msg_hdr.msg_flags & MSG_TRUNC) {
            ++counters.oversized;
            continue;  // the next one, if any
        }
        toAddress(first, address);
        return int(m[0].msg_len);
    }
}

ReadAhead::ReadAhead(int socket) : m_impl(std::make_unique<Impl>()) { m_impl->socket = socket; }

ReadAhead::~ReadAhead() {
    if (t_readAhead == m_impl.get()) t_readAhead = nullptr;
}

const DatagramBatchCounters& ReadAhead::counters() const { return m_impl->counters; }

ReadAhead::Scope::Scope(ReadAhead* readAhead) : m_readAhead(readAhead), m_previous(nullptr) {
    if (!m_readAhead) return;
    m_previous = t_readAhead;
    m_readAhead->m_impl->drained = false;  // a new service: read the socket again
    t_readAhead = m_readAhead->m_impl.get();
}

ReadAhead::Scope::~Scope() {
    if (!m_readAhead) return;
    t_readAhead = m_previous;
}

DatagramBatch::DatagramBatch(int socket, bool sendThread) : m_impl(std::make_unique<Impl>()) {
    Impl& m = *m_impl;
    m.socket = socket;
    m.prepareReceive();
    const size_t batches = sendThread ? kSendBatches : 1;
    for (size_t i = 0; i < batches; ++i) m.sendPool.push_back(std::make_unique<SendBatch>());
    m.filling = m.sendPool[0].get();
    for (size_t i = 1; i < batches; ++i) m.spare.push_back(m.sendPool[i].get());
    if (sendThread) m.sender = std::thread([&m] { m.senderMain(); });
}

DatagramBatch::~DatagramBatch() {
    if (t_batch == m_impl.get()) t_batch = nullptr;
    Impl& m = *m_impl;
    m.drain();
    if (m.sender.joinable()) {
        {
            std::lock_guard lock(m.mutex);
            m.stop = true;
        }
        m.work.notify_one();
        m.sender.join();
    }
}

void DatagramBatch::sendQueued() { m_impl->sendQueued(); }

void DatagramBatch::drain() { m_impl->drain(); }

bool DatagramBatch::sendsOnThread() const { return m_impl->sender.joinable(); }

DatagramBatchCounters DatagramBatch::counters() const {
    DatagramBatchCounters c = m_impl->counters;
    std::lock_guard lock(m_impl->mutex);
    c.sendCalls = m_impl->sendCalls;
    c.datagramsSent = m_impl->datagramsSent;
    c.sendDropped = m_impl->sendDropped;
    return c;
}

bool DatagramBatch::interposed() { return g_interposed.load(std::memory_order_relaxed); }

DatagramBatch::Scope::Scope(DatagramBatch* batch) : m_batch(batch), m_previous(nullptr) {
    if (!m_batch) return;
    m_previous = t_batch;
    t_batch = m_batch->m_impl.get();
}

DatagramBatch::Scope::~Scope() {
    if (!m_batch) return;
    m_batch->m_impl->sendQueued();
    t_batch = m_previous;
}

}  // namespace net

// --- ENet's socket functions, replaced (see datagram_batch.h) ---------------------------------
// Outside a batch these do what ENet 1.3's unix.c does, with one difference: a datagram too large
// for ENet's buffer is skipped and the next one read, where ENet's would fail the whole service.

extern "C" {

__attribute__((visibility("default"))) int enet_socket_send(ENetSocket socket, const ENetAddress* address,
                                                            const ENetBuffer* buffers, size_t bufferCount) {
    net::noteInterposed();
    if (net::DatagramBatch::Impl* b = net::batchFor(socket)) return b->queue(address, buffers, bufferCount);
    msghdr h{};
    sockaddr_in sin{};
    if (address) {
        net::toSockaddr(*address, sin);
        h.msg_name = &sin;
        h.msg_namelen = sizeof sin;
    }
    h.msg_iov = reinterpret_cast<iovec*>(const_cast<ENetBuffer*>(buffers));  // ENetBuffer is an iovec
    h.msg_iovlen = bufferCount;
    ssize_t sent = sendmsg(socket, &h, MSG_NOSIGNAL);
    if (sent < 0) return errno == EWOULDBLOCK ? 0 : -1;
    return int(sent);
}

__attribute__((visibility("default"))) int enet_socket_receive(ENetSocket socket, ENetAddress* address,
                                                               ENetBuffer* buffers, size_t bufferCount) {
    net::noteInterposed();
    if (net::DatagramBatch::Impl* b = net::batchFor(socket)) return b->receive(address, buffers, bufferCount);
    if (net::ReadAhead::Impl* r = net::readAheadFor(socket)) return r->receive(address, buffers, bufferCount);
    for (;;) {
        msghdr h{};
        sockaddr_in sin{};
        h.msg_name = &sin;
        h.msg_namelen = sizeof sin;
        h.msg_iov = reinterpret_cast<iovec*>(buffers);
        h.msg_iovlen = bufferCount;
        ssize_t n = recvmsg(socket, &h, MSG_NOSIGNAL);
        if (n < 0) return errno == EWOULDBLOCK ? 0 : -1;
        if (h.msg_flags & MSG_TRUNC) continue;
        net::toAddress(sin, address);
        return int(n);
    }
}

__attribute__((visibility("default"))) int enet_socket_wait(ENetSocket socket, enet_uint32* condition,
                                                            enet_uint32 timeout) {
    net::noteInterposed();
    if (net::DatagramBatch::Impl* b = net::batchFor(socket)) {
        b->sendQueued();  // nothing queued waits while ENet sleeps
        if ((*condition & ENET_SOCKET_WAIT_RECEIVE) && b->readAhead()) {
            *condition = ENET_SOCKET_WAIT_RECEIVE;
            return 0;
        }
    }
    if (net::ReadAhead::Impl* r = net::readAheadFor(socket); r && (*condition & ENET_SOCKET_WAIT_RECEIVE)) {
        if (r->pending) {
            *condition = ENET_SOCKET_WAIT_RECEIVE;
            return 0;
        }
        r->drained = false;  // what the wait finds is read by the read after it
    }
    pollfd p{};
    p.fd = socket;
    if (*condition & ENET_SOCKET_WAIT_SEND) p.events |= POLLOUT;
    if (*condition & ENET_SOCKET_WAIT_RECEIVE) p.events |= POLLIN;
    int n = poll(&p, 1, int(timeout));
    if (n < 0) {
        if (errno == EINTR && (*condition & ENET_SOCKET_WAIT_INTERRUPT)) {
            *condition = ENET_SOCKET_WAIT_INTERRUPT;
            return 0;
        }
        return -1;
    }
    *condition = ENET_SOCKET_WAIT_NONE;
    if (n == 0) return 0;
    if (p.revents & POLLOUT) *condition |= ENET_SOCKET_WAIT_SEND;
    if (p.revents & POLLIN) *condition |= ENET_SOCKET_WAIT_RECEIVE;
    return 0;
}

}  // extern "C"
