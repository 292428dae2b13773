# Warnings are errors when SF2PG_WERROR is on, as in every preset (CMakePresets.json).
function(sf2pg_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(SF2PG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
