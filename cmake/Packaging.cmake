# What `cmake --install` puts where (GNUInstallDirs), and the two Debian packages CPack makes
# of it: sf2pg (the tool, its man page and completions, the status schema, the docs and
# examples) and sfemu (the Snowflake SQL API emulator). tools/test-package.sh builds, lints and
# installs them.
#
#   cmake --preset release && cmake --build --preset release
#   cpack --config build-release/CPackConfig.cmake -G DEB -B build-release/packages
#
# The binaries and generated files are installed from src/cli and tools/sfemu.

set(sf2pg_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/sf2pg)
set(sfemu_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/sfemu)
install(DIRECTORY sql/ DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/sf2pg/sql COMPONENT sf2pg
  FILES_MATCHING PATTERN "*.sql")
install(FILES README.md DESTINATION ${sf2pg_doc} COMPONENT sf2pg)
install(DIRECTORY docs/ DESTINATION ${sf2pg_doc}/docs COMPONENT sf2pg FILES_MATCHING PATTERN "*.md")
install(DIRECTORY examples/ DESTINATION ${sf2pg_doc}/examples COMPONENT sf2pg)
install(FILES tools/sfemu/README.md DESTINATION ${sfemu_doc} COMPONENT sfemu)

# Debian policy: each package's copyright and changelog.Debian.gz in /usr/share/doc/<package>.
set(CPACK_PACKAGE_CONTACT "sf2pg maintainers <maintainers@users.noreply.b-seed-a8ede424.example>")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)  # SOURCE_DATE_EPOCH when set
foreach(package sf2pg sfemu)
  set(version "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
  set(changelog ${CMAKE_BINARY_DIR}/packaging/${package}/changelog.Debian)
  configure_file(packaging/debian/changelog.in ${changelog} @ONLY)
  execute_process(COMMAND gzip -9nc ${changelog} OUTPUT_FILE ${changelog}.gz COMMAND_ERROR_IS_FATAL ANY)
  install(FILES packaging/debian/copyright ${changelog}.gz
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${package})
endforeach()

set(CPACK_PACKAGE_NAME sf2pg)
set(CPACK_PACKAGE_VENDOR "the sf2pg authors")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_COMPONENTS_ALL sf2pg sfemu)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: the library packages, by dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(SF2PG_HOMEPAGE "" CACHE STRING "The Homepage field of the Debian packages (none when empty)")
if(SF2PG_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${SF2PG_HOMEPAGE})
endif()

set(CPACK_DEBIAN_SF2PG_PACKAGE_NAME sf2pg)
# The first line of each description is its synopsis. (CPACK_PACKAGE_DESCRIPTION_SUMMARY would
# be put before it.)
set(CPACK_DEBIAN_SF2PG_DESCRIPTION [=[migrate tables from Snowflake into PostgreSQL
sf2pg copies tables from Snowflake's SQL API into PostgreSQL with COPY:
full and incremental loads, split into chunks, loaded in parallel, and
resumable after any failure. Its progress lives in migration_status
tables of the target database.
This package has the sf2pg command, its man page and bash and zsh
completions, the status schema (/usr/share/sf2pg/sql) and the
documentation with an example configuration.]=])
set(CPACK_DEBIAN_SF2PG_PACKAGE_SUGGESTS "postgresql-client")

set(CPACK_DEBIAN_SFEMU_PACKAGE_NAME sfemu)
set(CPACK_DEBIAN_SFEMU_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_SFEMU_DESCRIPTION [=[emulator of the Snowflake SQL API, backed by PostgreSQL
sfemu answers the Snowflake SQL API v2 the way the real service does,
storing its tables in a PostgreSQL database, which it reaches with libpq
(PG* variables or --pg-* options). sf2pg's tests, benchmarks and demo
run against it; users can try an sf2pg configuration with it before
pointing sf2pg at their account.]=])
# It needs a PostgreSQL server to hold the data, local or not.
set(CPACK_DEBIAN_SFEMU_PACKAGE_RECOMMENDS "postgresql")

include(CPack)
