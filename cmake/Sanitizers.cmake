# SF2PG_SANITIZE=ON builds everything with ASan + UBSan; any report aborts the test.
# SF2PG_TSAN=ON builds everything with ThreadSanitizer (the tsan preset: unit tests only).
if(SF2PG_SANITIZE AND SF2PG_TSAN)
  message(FATAL_ERROR "SF2PG_SANITIZE and SF2PG_TSAN cannot be combined")
endif()
if(SF2PG_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(SF2PG_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
# GCC's -Wmaybe-uninitialized misfires on sanitizer-instrumented code at -O1 (inside
# libstdc++'s <regex>, for one); the sanitizers themselves catch real uses of
# uninitialized memory at run time, and the default build keeps the warning.
if((SF2PG_SANITIZE OR SF2PG_TSAN) AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-maybe-uninitialized)
endif()
