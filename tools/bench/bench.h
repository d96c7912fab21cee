// bench.h: the subcommands of dockhall-bench. Each lives in its own file and takes the
// arguments after its name (argv[0] is the subcommand). Each writes its figures as JSON to the
// file named by --json and prints them on stdout; exit status 0 when the run completed.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace bench {

// Prints the figures on stdout and, when `jsonPath` is not empty, writes them there. False (with
// a message naming `command` and the file) when the file cannot be written.
bool writeFigures(const nlohmann::json& figures, const std::string& jsonPath, const char* command);

int net(int argc, char** argv);     // bench_net.cpp: server + N bot processes over ENet
int render(int argc, char** argv);  // bench_render.cpp: the sample hall with N avatars, headless EGL
int match(int argc, char** argv);   // bench_match.cpp: needs x capabilities matching
int bake(int argc, char** argv);    // bench_bake.cpp: Assimp import vs baked load of an N-triangle part
int crypto(int argc, char** argv);  // bench_crypto.cpp: the encrypted link's cost per packet

}  // namespace bench
