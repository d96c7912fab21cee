// datagram_batch.h: a server's datagrams in batches, one system call for many (sendmmsg and
// recvmmsg), underneath ENet.
//
// Why: ENet makes one sendmsg per peer it has something for and one recvmsg per datagram. A hall
// of 2,000 at 30 Hz sends 30,000 snapshot packets a second (two ticks each) and reads 30,000
// input packets, and on a virtual machine each system call's entry alone costs about a
// microsecond (a null syscall measures ~1.0 us here, sendto ~3 us; sendmmsg ~1.3 us a datagram).
// Batched, the kernel's per-datagram work stays and the per-call work is paid once per up to
// kBatchDatagrams datagrams.
//
// How: ENet 1.3 has no socket hooks, but its protocol code calls its own enet_socket_send,
// enet_socket_receive and enet_socket_wait through the shared library's PLT, so definitions in
// the program replace them (ELF symbol interposition, the way a program may replace malloc).
// datagram_batch.cpp defines the three. Outside a batch they do what ENet's unix.c does (except
// that a datagram too large for ENet's buffer is skipped, where ENet's would fail the service);
// inside one (a scope opened by the transport that owns the socket, on the thread servicing it):
//   - send copies the datagram into the batch and reports it sent; the batch leaves with one
//     sendmmsg when it is full, when the scope closes, or before ENet would wait on the socket
//     (made on the batch's own sending thread when it has one, the batches queued in order);
//   - receive hands out datagrams from one recvmmsg until they run out, then reads the next batch;
//   - wait answers "readable" at once while datagrams read ahead are still waiting.
// Order per socket is kept both ways. A datagram the kernel refuses (a full send buffer) is lost
// as ENet's own send would lose it, and counted. Only a server transport batches (kBatchDatagrams
// slots of 4 KiB each way); a client sends with ENet's single calls and reads one datagram ahead
// (ReadAhead, below).
//
// interposed() says whether ENet really calls these definitions (a linker or an ENet built
// otherwise could bypass them; everything still works, one call per datagram); the transport
// tests assert that it does on the platform the project is built for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace net {

constexpr size_t kBatchDatagrams = 64;   // datagrams per sendmmsg / recvmmsg
constexpr size_t kBatchSlotBytes = 4096; // ENET_PROTOCOL_MAXIMUM_MTU: no ENet datagram is larger

struct DatagramBatchCounters {
    uint64_t sendCalls = 0, datagramsSent = 0, sendDropped = 0;      // sendmmsg calls, datagrams
    uint64_t receiveCalls = 0, datagramsReceived = 0, oversized = 0;  // recvmmsg calls (those that
                                                                      // returned any), datagrams
};

class DatagramBatch {
public:
    struct Impl;  // the buffers; datagram_batch.cpp's replacements of ENet's functions use it

    // `sendThread`: full batches (and what a scope leaves when it closes) are handed to a thread
    // of the batch's own that makes the sendmmsg calls, in order, while the servicing thread goes
    // on (the kernel's part of sending is most of a flush: on loopback, the receiver's side too).
    // Without it each sendmmsg is made where the batch fills or the scope closes.
    explicit DatagramBatch(int socket, bool sendThread = false);
    ~DatagramBatch();
    DatagramBatch(const DatagramBatch&) = delete;
    DatagramBatch& operator=(const DatagramBatch&) = delete;

    // While a Scope lives, this thread's ENet calls on the batch's socket go through the batch.
    // Scopes do not nest per thread (the inner one would take over; the server never does this).
    // Closing it sends what is queued.
    class Scope {
    public:
        explicit Scope(DatagramBatch* batch);  // nullptr: no batching (a client)
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
    private:
        DatagramBatch* m_batch;
        Impl* m_previous;
    };

    void sendQueued();  // sends what is queued now (with a send thread: hands it over)
    void drain();       // returns once every datagram queued so far has been sent (or refused)
    bool sendsOnThread() const;
    DatagramBatchCounters counters() const;

    // True once ENet has been seen calling the replaced functions in this process.
    static bool interposed();

private:
    std::unique_ptr<Impl> m_impl;
};

// A client's reads, two datagrams to a call. ENet reads until the socket says it is empty, so a
// client that wakes for one datagram makes two calls, the second only to hear "nothing more"
// (thousands of bots in one process: a third of their system calls). Each read here asks for two
// (recvmmsg): the second, if there is one, waits here for ENet's next read; if there is none the
// socket was empty, and the reads that follow within the same scope answer "nothing more" without
// asking again. What arrives meanwhile is read by the next scope (the next service) or, when ENet
// waits on the socket, by the read after the wait. Order is kept; nothing read is dropped.
class ReadAhead {
public:
    struct Impl;

    explicit ReadAhead(int socket);
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // While a Scope lives, this thread's ENet reads of the socket go through the read-ahead
    // (nullptr: none). Does not nest with a DatagramBatch::Scope of the same socket.
    class Scope {
    public:
        explicit Scope(ReadAhead* readAhead);
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
    private:
        ReadAhead* m_readAhead;
        Impl* m_previous;
    };

    const DatagramBatchCounters& counters() const;  // the receiving half (it sends nothing)

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace net
