/* fuzz.h - the entry point every libFuzzer target defines */
#ifndef PORTTOP_FUZZ_H
#define PORTTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Run one input through the code under test; aborts on a broken
 * invariant. Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
