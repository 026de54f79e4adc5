# Process-level benchmark client (not Google Benchmark): the peer comparison runs it as a separate process.
add_executable(mtpipe_client_bench mtproto/client_bench.cpp)
target_link_libraries(mtpipe_client_bench PRIVATE mtpipe_net mtpipe_sim)
set_target_properties(mtpipe_client_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bench")
