# One static library per folder of src/, with the folders it may use declared next to it.
#
#   sf2pg_library(<folder> [DEPS <folder>...] [LIBS <target>...] SOURCES <file>...)
#
# creates the target sf2pg_<folder>, links it to the libraries of its DEPS (and LIBS, outside
# libraries), and records what it may include: its own folder and, transitively, its DEPS'.
# The layering check (cmake/check_layering.cmake) runs before any library compiles and fails
# the build when a file in src/<folder>/ includes a header of a folder it may not use. Folders
# must be added bottom-up, so the order in the top-level CMakeLists.txt is the layering.
function(sf2pg_library folder)
  cmake_parse_arguments(L "" "" "DEPS;LIBS;SOURCES" ${ARGN})
  set(allowed ${folder})
  foreach(dep IN LISTS L_DEPS)
    get_property(dep_allowed GLOBAL PROPERTY SF2PG_ALLOWED_${dep})
    if(NOT dep_allowed)
      message(FATAL_ERROR "src/${folder}: depends on '${dep}', which is not declared before it")
    endif()
    list(APPEND allowed ${dep_allowed})
  endforeach()
  list(REMOVE_DUPLICATES allowed)
  set_property(GLOBAL PROPERTY SF2PG_ALLOWED_${folder} "${allowed}")
  set_property(GLOBAL APPEND PROPERTY SF2PG_FOLDERS ${folder})

  add_library(sf2pg_${folder} STATIC ${L_SOURCES})
  target_include_directories(sf2pg_${folder} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_compile_definitions(sf2pg_${folder} PUBLIC
    SF2PG_VERSION="${PROJECT_VERSION}" SPDLOG_FMT_EXTERNAL JSON_DISABLE_ENUM_SERIALIZATION=1)
  list(TRANSFORM L_DEPS PREPEND sf2pg_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(sf2pg_${folder} PUBLIC ${dep_targets} ${L_LIBS})
  add_dependencies(sf2pg_${folder} sf2pg_layering)
  sf2pg_set_warnings(sf2pg_${folder})
endfunction()

# The check itself: one rule, rerun whenever a source file changes.
function(sf2pg_layering_check)
  get_property(folders GLOBAL PROPERTY SF2PG_FOLDERS)
  set(rules "")
  foreach(folder IN LISTS folders)
    get_property(allowed GLOBAL PROPERTY SF2PG_ALLOWED_${folder})
    string(APPEND rules "${folder}=${allowed}\n")
  endforeach()
  file(WRITE ${CMAKE_BINARY_DIR}/layering.txt "${rules}")
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/src/*.h ${CMAKE_SOURCE_DIR}/src/*.cc ${CMAKE_SOURCE_DIR}/src/*.in)
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/layering.ok
    COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR}/src -DRULES=${CMAKE_BINARY_DIR}/layering.txt
            -DSTAMP=${CMAKE_BINARY_DIR}/layering.ok -P ${CMAKE_SOURCE_DIR}/cmake/check_layering.cmake
    DEPENDS ${sources} ${CMAKE_BINARY_DIR}/layering.txt ${CMAKE_SOURCE_DIR}/cmake/check_layering.cmake
    COMMENT "Checking that each folder of src/ includes only the folders it may use")
endfunction()
