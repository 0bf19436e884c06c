/*
 * pcsc-transmit-bench: the C floor for one APDU round trip through pcsc-lite.
 *
 * Connects to READER, sends one APDU N times with SCardTransmit and prints one
 * machine-readable line with the median, p90 and p99 in nanoseconds, each transmit timed
 * with CLOCK_MONOTONIC. scripts/pcsc-bench-compare runs it next to the Swift loop; the
 * Swift side (PCSCCard.transmit) must stay within a few percent of this.
 *
 *   gcc -O2 -o pcsc-transmit-bench scripts/pcsc-transmit-bench.c \
 *       $(pkg-config --cflags --libs libpcsclite)
 *   pcsc-transmit-bench READER [COUNT [HEX_APDU [WARMUP]]]
 *
 * COUNT defaults to 10000, HEX_APDU to SELECT JPKI AP (00A4040C0AD392F000260100000001),
 * WARMUP (untimed transmits first) to 200. Output:
 *
 *   c_transmit count=10000 median_ns=64123 p90_ns=71234 p99_ns=120345 min_ns=... max_ns=... sw=9000
 *
 * Exit status: 0 success, 1 a PC/SC call failed, 2 usage.
 *
 * The receive PCI is passed (not NULL): pcsc-lite 1.9.9's libpcscspy crashes on NULL, and the
 * Swift side passes one too, so both do the same work.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <PCSC/winscard.h>

#define DEFAULT_APDU "00A4040C0AD392F000260100000001"
#define DEFAULT_COUNT 10000L
#define DEFAULT_WARMUP 200L

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes hex (spaces allowed) into out; returns the byte count or -1. */
static long decode_hex(const char *text, unsigned char *out, size_t capacity) {
    size_t count = 0;
    int high = -1;
    for (const char *p = text; *p; p++) {
        if (*p == ' ') continue;
        int value = hex_value(*p);
        if (value < 0) return -1;
        if (high < 0) {
            high = value;
        } else {
            if (count == capacity) return -1;
            out[count++] = (unsigned char)(high << 4 | value);
            high = -1;
        }
    }
    return high < 0 ? (long)count : -1;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static uint64_t percentile(const uint64_t *sorted, long count, double p) {
    long rank = (long)(p / 100.0 * (double)count + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > count) rank = count;
    return sorted[rank - 1];
}

static int fail(const char *function, LONG rv) {
    fprintf(stderr, "pcsc-transmit-bench: %s: %s (0x%08lX)\n", function, pcsc_stringify_error(rv),
            (unsigned long)rv);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s READER [COUNT [HEX_APDU [WARMUP]]]\n", argv[0]);
        return 2;
    }
    const char *reader = argv[1];
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : DEFAULT_COUNT;
    const char *hex = argc > 3 ? argv[3] : DEFAULT_APDU;
    long warmup = argc > 4 ? strtol(argv[4], NULL, 10) : DEFAULT_WARMUP;
    if (count < 1 || warmup < 0) {
        fprintf(stderr, "pcsc-transmit-bench: COUNT must be at least 1 and WARMUP at least 0\n");
        return 2;
    }
    static unsigned char command[MAX_BUFFER_SIZE_EXTENDED];
    static unsigned char response[MAX_BUFFER_SIZE_EXTENDED];
    long command_length = decode_hex(hex, command, sizeof command);
    if (command_length < 4) {
        fprintf(stderr, "pcsc-transmit-bench: '%s' is not an APDU in hex\n", hex);
        return 2;
    }
    uint64_t *samples = malloc((size_t)count * sizeof *samples);
    if (!samples) {
        fprintf(stderr, "pcsc-transmit-bench: out of memory\n");
        return 1;
    }

    SCARDCONTEXT context;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context);
    if (rv != SCARD_S_SUCCESS) return fail("SCardEstablishContext", rv);
    SCARDHANDLE card;
    DWORD active = 0;
    rv = SCardConnect(context, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &active);
    if (rv != SCARD_S_SUCCESS) return fail("SCardConnect", rv);
    SCARD_IO_REQUEST send_pci = {active == SCARD_PROTOCOL_T0 ? SCARD_PROTOCOL_T0 : SCARD_PROTOCOL_T1,
                                 sizeof(SCARD_IO_REQUEST)};
    SCARD_IO_REQUEST receive_pci = send_pci;

    DWORD received = 0;
    for (long i = 0; i < warmup + count; i++) {
        received = sizeof response;
        uint64_t start = now_ns();
        rv = SCardTransmit(card, &send_pci, command, (DWORD)command_length, &receive_pci, response, &received);
        uint64_t end = now_ns();
        if (rv != SCARD_S_SUCCESS) return fail("SCardTransmit", rv);
        if (i >= warmup) samples[i - warmup] = end - start;
    }

    qsort(samples, (size_t)count, sizeof *samples, compare_u64);
    char sw[8] = "none";
    if (received >= 2) snprintf(sw, sizeof sw, "%02X%02X", response[received - 2], response[received - 1]);
    printf("c_transmit count=%ld median_ns=%llu p90_ns=%llu p99_ns=%llu min_ns=%llu max_ns=%llu sw=%s\n", count,
           (unsigned long long)percentile(samples, count, 50), (unsigned long long)percentile(samples, count, 90),
           (unsigned long long)percentile(samples, count, 99), (unsigned long long)samples[0],
           (unsigned long long)samples[count - 1], sw);

    free(samples);
    SCardDisconnect(card, SCARD_LEAVE_CARD);
    SCardReleaseContext(context);
    return 0;
}
