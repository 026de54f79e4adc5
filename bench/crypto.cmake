# Crypto benchmarks (included from bench/CMakeLists.txt, hence the explicit source path).
mtpipe_add_bench(crypto_bench ${CMAKE_CURRENT_SOURCE_DIR}/crypto_bench.cpp)
target_link_libraries(crypto_bench PRIVATE mtpipe_crypto)
