# Runs PROGRAM with the space-separated ARGS and writes its standard output to OUTPUT (the build's
# way to keep what a built binary prints, e.g. its man page); fails when the program does.
separate_arguments(ARGS UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${PROGRAM} ${ARGS} OUTPUT_FILE ${OUTPUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    file(REMOVE ${OUTPUT}.tmp)
    message(FATAL_ERROR "${PROGRAM} ${ARGS} failed (${rc})")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
