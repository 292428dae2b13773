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
