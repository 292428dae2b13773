# Warnings are errors in every build (SF2PG_WERROR=OFF only for experiments).
function(sf2pg_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(SF2PG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
