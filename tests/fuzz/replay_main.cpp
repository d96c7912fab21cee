// replay_main.cpp: runs a fuzz target once on each file of its corpus, without libFuzzer.
//
//   fuzz_protocol_replay tests/fuzz/protocol [more files or folders]
//
// Every build (release, and the AddressSanitizer one) re-checks the committed seeds and any
// crash input saved beside them this way; fuzzing proper needs clang (DOCKHALL_FUZZ, tools/fuzz).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool runFile(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "%s: cannot open\n", path.c_str());
        return false;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    size_t runs = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path p(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file()) runs += runFile(e.path()) ? 1 : 0;
        } else if (!runFile(p)) {
            return 1;
        } else {
            ++runs;
        }
    }
    if (runs == 0) {
        std::fprintf(stderr, "%s: no inputs found\n", argv[0]);
        return 1;
    }
    std::printf("%zu inputs ran without a fault\n", runs);
    return 0;
}
