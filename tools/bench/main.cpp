// dockhall-bench: measured figures for docs/performance.md.
//
//   dockhall-bench net    --clients 2000 --seconds 30 --json net.json [--baseline]
//   dockhall-bench render --avatars 2000 --seconds 10 --json render.json
//   dockhall-bench match  --needs 20000 --capabilities 20000 --json match.json
//   dockhall-bench bake   --triangles 1000000 --json bake.json
//   dockhall-bench crypto --json crypto.json
#include <cstdio>
#include <cstring>
#include <fstream>

#include "tools/bench/bench.h"

bool bench::writeFigures(const nlohmann::json& figures, const std::string& jsonPath, const char* command) {
    const std::string text = figures.dump(2);
    std::printf("%s\n", text.c_str());
    if (jsonPath.empty()) return true;
    std::ofstream f(jsonPath);
    f << text << "\n";
    if (f) return true;
    std::fprintf(stderr, "dockhall-bench %s: cannot write %s\n", command, jsonPath.c_str());
    return false;
}

namespace {

struct Command {
    const char* name;
    int (*run)(int, char**);
    const char* help;
};

constexpr Command kCommands[] = {
#ifdef DOCKHALL_BENCH_NET
    {"net", bench::net, "server and N bot processes over ENet on this machine"},
#endif
#ifdef DOCKHALL_BENCH_RENDER
    {"render", bench::render, "the sample hall with N moving avatars, offscreen through EGL"},
#endif
#ifdef DOCKHALL_BENCH_BAKE
    {"bake", bench::bake, "a part of N triangles: Assimp import vs baked load, codecs, LODs"},
#endif
#ifdef DOCKHALL_BENCH_CRYPTO
    {"crypto", bench::crypto, "the encrypted link: seal and open per packet, handshake"},
#endif
#ifdef DOCKHALL_BENCH_MATCH
    {"match", bench::match, "needs x capabilities: index, top 10 for all, one new post"},
#endif
};

int usage(FILE* out) {
    std::fprintf(out, "usage: dockhall-bench COMMAND [options]   (COMMAND --help for its options)\n");
    for (const Command& c : kCommands) std::fprintf(out, "  %-8s %s\n", c.name, c.help);
    return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage(stderr);
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) return usage(stdout);
    for (const Command& c : kCommands)
        if (!std::strcmp(argv[1], c.name)) return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "dockhall-bench: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
