# verify_ptx.cmake — run by the build after each kernels/<family>.cu is compiled to PTX
# (ptxas is usually absent, so this is the check that the PTX is what the C# side expects):
#   - the .entry names are exactly the source's extern "C" __global__ kernels and its AGNAS_KERNEL lines;
#   - no .extern .func (an unresolved call, e.g. a libdevice math function under -nocudalib);
#   - .version and .target are present;
#   - when PTXAS is given (a CUDA toolkit is installed), ptxas assembles it for the target.
# On success the temporary output is renamed to the final .ptx, so a failed check leaves no stale PTX.
#   cmake -DSOURCE=<.cu> -DPTX_TMP=<.ptx.tmp> -DPTX=<.ptx> [-DPTXAS=<ptxas> -DARCH=sm_80] -P verify_ptx.cmake
file(READ "${PTX_TMP}" text)
file(READ "${SOURCE}" source)
get_filename_component(family "${SOURCE}" NAME_WE)

string(REGEX MATCHALL "\\.entry[ \t]+[A-Za-z_$][A-Za-z0-9_$]*" entry_matches "${text}")
set(entries "")
foreach(m IN LISTS entry_matches)
  string(REGEX REPLACE "\\.entry[ \t]+" "" name "${m}")
  list(APPEND entries "${name}")
endforeach()

string(REGEX MATCHALL "extern \"C\" __global__ void [A-Za-z_][A-Za-z0-9_]*" global_matches "${source}")
set(globals "")
foreach(m IN LISTS global_matches)
  string(REGEX REPLACE "extern \"C\" __global__ void " "" name "${m}")
  list(APPEND globals "${name}")
endforeach()

string(REGEX MATCHALL "\nAGNAS_KERNEL\\([A-Za-z_][A-Za-z0-9_]*" reg_matches "${source}")
set(registered "")
foreach(m IN LISTS reg_matches)
  string(REGEX REPLACE "\nAGNAS_KERNEL\\(" "" name "${m}")
  list(APPEND registered "${name}")
endforeach()

foreach(l entries globals registered)
  list(SORT ${l})
endforeach()

if(NOT entries)
  message(FATAL_ERROR "${family}.ptx: no .entry in the PTX")
endif()
if(NOT "${entries}" STREQUAL "${globals}")
  message(FATAL_ERROR "${family}.ptx: .entry names [${entries}] differ from the extern \"C\" __global__ kernels of ${family}.cu [${globals}]")
endif()
if(NOT "${registered}" STREQUAL "${globals}")
  message(FATAL_ERROR "${family}.cu: AGNAS_KERNEL lines [${registered}] differ from its kernels [${globals}]; every kernel needs exactly one AGNAS_KERNEL line")
endif()
if(text MATCHES "\\.extern[ \t]+\\.func")
  string(REGEX MATCH "\\.extern[ \t]+\\.func[^\n]*" what "${text}")
  message(FATAL_ERROR "${family}.ptx: unresolved external function (${what}); -nocudalib has no libdevice, use agnas_cuda.h's math")
endif()
if(NOT text MATCHES "\\.version[ \t]+[0-9]+\\.[0-9]+" OR NOT text MATCHES "\\.target[ \t]+sm_[0-9]+")
  message(FATAL_ERROR "${family}.ptx: missing .version or .target")
endif()
if(PTXAS)
  execute_process(COMMAND "${PTXAS}" -arch=${ARCH} "${PTX_TMP}" -o /dev/null RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${family}.ptx: ptxas failed:\n${err}")
  endif()
endif()
list(LENGTH entries count)
file(RENAME "${PTX_TMP}" "${PTX}")
message(STATUS "${family}.ptx: ${count} entries verified")
