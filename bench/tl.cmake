# TL codec benchmarks (included from bench/CMakeLists.txt, hence the explicit source path).
mtpipe_add_bench(tl_bench ${CMAKE_CURRENT_SOURCE_DIR}/tl_bench.cpp)
target_link_libraries(tl_bench PRIVATE mtpipe_tl)
