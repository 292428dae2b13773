# CMake toolchain file: cross-compile for aarch64 (arm64, AWS Graviton) with Debian's cross
# toolchain (crossbuild-essential-arm64) against the arm64 libraries of a multiarch Debian root.
# deploy/package.sh --arch arm64 uses it inside the root that deploy/arm64-root.sh makes.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Build tools (git, gzip) are the build machine's; libraries, headers and packages are arm64.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config finds the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
