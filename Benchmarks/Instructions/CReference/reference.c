/*
 * reference.c: the hand-written C that ReaderBench's hot paths are compared against, instruction
 * for instruction, by scripts/instructions (callgrind).
 *
 *   gcc -O2 -o c-reference Benchmarks/Instructions/CReference/reference.c   (needs valgrind's headers)
 *   c-reference CERTIFICATE.der N
 *
 * Runs every reference path N times between callgrind client requests (zero the counters, then
 * dump them as "c.<path>"), exactly as the Swift harness (InstructionCounts) does, and keeps every
 * result in a volatile sink so nothing is optimised away. scripts/instructions runs it at N and 2N
 * under `valgrind --tool=callgrind` and divides the difference by N, so start-up and first-call
 * costs cancel.
 *
 * Each reference does the same work, with the same checks, as the Swift path it stands beside:
 *   tlv_der     BERTLV's DER walk: every node visited, tag + value length summed; minimal tags and
 *               lengths, the depth limit (32), truncation and value-beyond-end errors with offsets,
 *               nothing after the top-level object.
 *   tlv_plain   the walk of the independent measurement: recursive and bounds-checked,
 *               without DER's minimality checks or a depth limit (shown for context, not gated).
 *   encode_*    ISO/IEC 7816-4 command encoding into a caller's buffer, with the checks the Swift
 *               CommandEncoder makes (reserved INS, Lc and Le ranges, room in the output).
 *   response    a response view: at least SW1 SW2, data length and status word.
 *   instrument  two CLOCK_MONOTONIC reads and one sample appended to reserved storage.
 *
 * The PC/SC transmit reference is scripts/pcsc-transmit-bench.c (SCardTransmit's own cost).
 * Exit status: 0 success, 1 a walk failed, 2 usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#define NOINLINE __attribute__((noinline))
/* Out of line and opaque to the caller: no cloning for constant arguments, as across the Swift
   harness's @inline(never) functions, whose spans the compiler does not see the length of. */
#define NOIPA __attribute__((noipa))

/* Keeps a value alive without letting the compiler see through it. */
static volatile uint64_t sink;

/* ---------------------------------------------------------------------------------------------- */
/* TLV walks                                                                                       */

enum tlv_code {
    TLV_OK = 0,
    TLV_TRUNCATED_TAG,
    TLV_TAG_TOO_LONG,
    TLV_NON_MINIMAL_TAG,
    TLV_TRUNCATED_LENGTH,
    TLV_LENGTH_TOO_LONG,
    TLV_NON_MINIMAL_LENGTH,
    TLV_INDEFINITE_LENGTH,
    TLV_VALUE_BEYOND_END,
    TLV_TRAILING_BYTES,
    TLV_DEPTH_EXCEEDED,
};

struct tlv_error {
    int code;
    size_t offset; /* absolute, from the start of the input */
};

#define TLV_MAX_DEPTH 32

#define FAIL(CODE, OFFSET)               \
    do {                                 \
        error->code = CODE;              \
        error->offset = base + (OFFSET); \
        return 0;                        \
    } while (0)

/* Reads the tag and length at *position of bytes[0..count) (absolute offset base) and checks that
 * the value fits; moves *position to the value. Returns 0 with *error set on a malformed header. */
static inline __attribute__((always_inline)) int der_header(const uint8_t *bytes, size_t count,
                                                            size_t *position_, size_t base, uint32_t *tag_,
                                                            size_t *length_, struct tlv_error *error) {
    size_t position = *position_;
    size_t start = position;
    uint8_t first = bytes[position++];
    uint32_t tag = first;
    if ((first & 0x1F) == 0x1F) {
        for (int subsequent = 1;; subsequent++) {
            if (position >= count) FAIL(TLV_TRUNCATED_TAG, start);
            uint8_t byte = bytes[position++];
            if (subsequent == 1 && (byte == 0x80 || byte < 0x1F)) FAIL(TLV_NON_MINIMAL_TAG, start);
            tag = tag << 8 | byte;
            if (!(byte & 0x80)) break;
            if (subsequent == 3) FAIL(TLV_TAG_TOO_LONG, start);
        }
    }
    if (position >= count) FAIL(TLV_TRUNCATED_LENGTH, position);
    size_t length = bytes[position++];
    if (length >= 0x80) {
        size_t length_start = position - 1;
        size_t length_bytes = length & 0x7F;
        if (length_bytes == 0) FAIL(TLV_INDEFINITE_LENGTH, length_start);
        if (length_bytes > 4) FAIL(TLV_LENGTH_TOO_LONG, length_start);
        if (length_bytes > count - position) FAIL(TLV_TRUNCATED_LENGTH, length_start);
        uint32_t value = 0;
        for (size_t k = 0; k < length_bytes; k++) value = value << 8 | bytes[position + k];
        if (value < 0x80 || bytes[position] == 0) FAIL(TLV_NON_MINIMAL_LENGTH, length_start);
        position += length_bytes;
        length = value;
    }
    if (length > count - position) FAIL(TLV_VALUE_BEYOND_END, start);
    *position_ = position;
    *tag_ = tag;
    *length_ = length;
    return 1;
}

/* Every object of bytes[0..count), which starts at absolute offset base, one level below depth - 1,
 * descending into constructed ones. Returns 0 with *error set on a malformed input. */
static int der_level(const uint8_t *bytes, size_t count, size_t base, int depth, uint64_t *sum,
                     struct tlv_error *error) {
    /* Objects at this depth are beyond the limit: the first one is the error. */
    if (depth >= TLV_MAX_DEPTH && count > 0) FAIL(TLV_DEPTH_EXCEEDED, 0);
    size_t position = 0;
    while (position < count) {
        uint8_t first = bytes[position];
        uint32_t tag;
        size_t length;
        if (!der_header(bytes, count, &position, base, &tag, &length, error)) return 0;
        *sum += tag + length;
        if ((first & 0x20) && !der_level(bytes + position, length, base + position, depth + 1, sum, error))
            return 0;
        position += length;
    }
    return 1;
}

/* Exactly one DER object in bytes[0..count), walked whole; returns the checksum, or 0 with *error set. */
NOINLINE static uint64_t tlv_walk_der(const uint8_t *bytes, size_t count, struct tlv_error *error) {
    size_t base = 0;
    if (count == 0) FAIL(TLV_TRUNCATED_TAG, 0);
    size_t position = 0;
    uint32_t tag;
    size_t length;
    if (!der_header(bytes, count, &position, 0, &tag, &length, error)) return 0;
    uint64_t sum = tag + length;
    if ((bytes[0] & 0x20) && !der_level(bytes + position, length, position, 1, &sum, error)) return 0;
    if (position + length != count) FAIL(TLV_TRAILING_BYTES, position + length);
    return sum;
}

/* The plain walk: recursive, bounds-checked, no minimality checks, no depth limit. */
static int plain_level(const uint8_t *bytes, size_t count, uint64_t *sum) {
    size_t position = 0;
    while (position < count) {
        uint8_t first = bytes[position++];
        uint32_t tag = first;
        if ((first & 0x1F) == 0x1F) {
            do {
                if (position >= count) return 0;
                tag = tag << 8 | bytes[position];
            } while (bytes[position++] & 0x80);
        }
        if (position >= count) return 0;
        size_t length = bytes[position++];
        if (length >= 0x80) {
            size_t length_bytes = length & 0x7F;
            if (length_bytes == 0 || length_bytes > 4 || length_bytes > count - position) return 0;
            length = 0;
            for (size_t k = 0; k < length_bytes; k++) length = length << 8 | bytes[position + k];
            position += length_bytes;
        }
        if (length > count - position) return 0;
        *sum += tag + length;
        if ((first & 0x20) && !plain_level(bytes + position, length, sum)) return 0;
        position += length;
    }
    return 1;
}

NOINLINE static uint64_t tlv_walk_plain(const uint8_t *bytes, size_t count) {
    uint64_t sum = 0;
    return plain_level(bytes, count, &sum) ? sum : 0;
}

static const uint8_t *certificate;
static size_t certificate_count;

NOINLINE void rbic_c_tlv_der(long n) {
    uint64_t total = 0;
    for (long i = 0; i < n; i++) {
        struct tlv_error error = {0, 0};
        total += tlv_walk_der(certificate, certificate_count, &error);
        total += (uint64_t)error.code;
    }
    sink = total;
}

NOINLINE void rbic_c_tlv_plain(long n) {
    uint64_t total = 0;
    for (long i = 0; i < n; i++) total += tlv_walk_plain(certificate, certificate_count);
    sink = total;
}

/* ---------------------------------------------------------------------------------------------- */
/* APDU encoding                                                                                   */

struct apdu_header {
    uint8_t cla, ins, p1, p2;
};

enum { FORM_AUTOMATIC, FORM_SHORT, FORM_EXTENDED };

/* Appends one command (cases 1-4, short or extended) at out[*written], within capacity.
 * le is 0 for "no Le" and 1...65536 otherwise. Returns 0 on success, a non-zero reason otherwise.
 * Inlined where it is called, like the Swift encoder, so constant headers, Le and forms fold. */
static inline int encode_command(struct apdu_header header, const uint8_t *data, size_t data_count, long le,
                                   int form, uint8_t *out, size_t capacity, size_t *written) {
    uint8_t high = header.ins & 0xF0;
    if (high == 0x60 || high == 0x90) return 1;
    if (data_count > 65535) return 2;
    if (le != 0 && (le < 1 || le > 65536)) return 3;
    int fits_short = data_count <= 255 && le <= 256;
    int extended;
    switch (form) {
    case FORM_SHORT:
        if (!fits_short) return 4;
        extended = 0;
        break;
    case FORM_EXTENDED:
        extended = data_count > 0 || le != 0;
        break;
    default:
        extended = !fits_short;
    }
    size_t needed = 4;
    if (data_count > 0) needed += (extended ? 3 : 1) + data_count;
    if (le != 0) needed += extended ? (data_count > 0 ? 2 : 3) : 1;
    size_t i = *written;
    if (capacity - i < needed) return 5;
    out[i] = header.cla;
    out[i + 1] = header.ins;
    out[i + 2] = header.p1;
    out[i + 3] = header.p2;
    i += 4;
    if (data_count > 0) {
        if (extended) {
            out[i] = 0;
            out[i + 1] = (uint8_t)(data_count >> 8);
            out[i + 2] = (uint8_t)data_count;
            i += 3;
        } else {
            out[i++] = (uint8_t)data_count;
        }
        memcpy(out + i, data, data_count);
        i += data_count;
    }
    if (le != 0) {
        if (extended) {
            if (data_count == 0) out[i++] = 0;
            out[i] = (uint8_t)(le >> 8);
            out[i + 1] = (uint8_t)le;
            i += 2;
        } else {
            out[i++] = (uint8_t)le;
        }
    }
    *written = i;
    return 0;
}

/* The read path's commands, as the Swift harness encodes them. */
static const uint8_t jpki_aid[] = {0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01};
static const uint8_t ef_certificate[] = {0x00, 0x0A};
static const uint8_t pin[] = {'1', '2', '3', '4'};
static uint8_t digest_info[51];

/* A reusable buffer the caller owns, as APDUBuffer is: heap memory, its size, the valid count. */
struct apdu_buffer {
    uint8_t *bytes;
    size_t capacity;
    size_t count;
};

/* One opaque function per command, as the Swift harness has (the buffer, P2 and the data are its
 * arguments, the rest is constant and folds into the inlined encoder), called once per operation. */
#define ENCODE_WITH_DATA(NAME, CLA, INS, P1, LE)                                                              \
    NOIPA static int encode_##NAME(struct apdu_buffer *buffer, uint8_t p2, const uint8_t *data,             \
                                   size_t data_count) {                                                     \
        struct apdu_header header = {CLA, INS, P1, p2};                                                     \
        size_t written = 0;                                                                                 \
        int failed = encode_command(header, data, data_count, LE, FORM_AUTOMATIC, buffer->bytes,            \
                                    buffer->capacity, &written);                                            \
        buffer->count = written;                                                                            \
        return failed;                                                                                      \
    }

#define ENCODE_WITHOUT_DATA(NAME, CLA, INS, P1, LE)                                                           \
    NOIPA static int encode_##NAME(struct apdu_buffer *buffer, uint8_t p2) {                                \
        struct apdu_header header = {CLA, INS, P1, p2};                                                     \
        size_t written = 0;                                                                                 \
        int failed = encode_command(header, NULL, 0, LE, FORM_AUTOMATIC, buffer->bytes, buffer->capacity,   \
                                    &written);                                                              \
        buffer->count = written;                                                                            \
        return failed;                                                                                      \
    }

ENCODE_WITH_DATA(select_ap, 0x00, 0xA4, 0x04, 0)
ENCODE_WITH_DATA(select_ef, 0x00, 0xA4, 0x02, 0)
ENCODE_WITHOUT_DATA(read_binary, 0x00, 0xB0, 0x01, 256)
ENCODE_WITHOUT_DATA(verify_status, 0x00, 0x20, 0x00, 0)
ENCODE_WITH_DATA(verify_pin, 0x00, 0x20, 0x00, 0)
ENCODE_WITH_DATA(compute_signature, 0x80, 0x2A, 0x00, 256)

/* The extra arguments are the data, or nothing; the buffer is made before the marks, like the Swift
 * harness's (which it makes inside the measured function: the N/2N difference removes it either way). */
#define ENCODE_LOOP(NAME, ...)                                                                                \
    NOINLINE void rbic_c_encode_##NAME(long n) {                                                            \
        uint64_t total = 0;                                                                                 \
        for (long i = 0; i < n; i++) {                                                                      \
            int failed = encode_##NAME(&command_buffer, (uint8_t)i __VA_ARGS__);                            \
            total += command_buffer.count + (failed != 0);                                                  \
        }                                                                                                   \
        sink = total;                                                                                       \
    }

static struct apdu_buffer command_buffer;

ENCODE_LOOP(select_ap, , jpki_aid, sizeof jpki_aid)
ENCODE_LOOP(select_ef, , ef_certificate, sizeof ef_certificate)
ENCODE_LOOP(read_binary)
ENCODE_LOOP(verify_status)
ENCODE_LOOP(verify_pin, , pin, sizeof pin)
ENCODE_LOOP(compute_signature, , digest_info, sizeof digest_info)

/* ---------------------------------------------------------------------------------------------- */
/* Response view                                                                                   */

struct response_view {
    const uint8_t *data;
    size_t count;
    uint16_t status_word;
};

NOIPA static int read_response(const uint8_t *bytes, size_t count, struct response_view *view) {
    if (count < 2) return 0;
    view->data = bytes;
    view->count = count - 2;
    view->status_word = (uint16_t)(bytes[count - 2] << 8 | bytes[count - 1]);
    return 1;
}

static uint8_t certificate_chunk[258];

NOINLINE void rbic_c_response(long n) {
    uint64_t total = 0;
    for (long i = 0; i < n; i++) {
        struct response_view view;
        if (read_response(certificate_chunk, sizeof certificate_chunk, &view))
            total += view.status_word + view.count;
    }
    sink = total;
}

/* ---------------------------------------------------------------------------------------------- */
/* Instrumentation per APDU                                                                        */

struct apdu_sample {
    uint16_t step;
    uint8_t kind, phase;
    uint64_t start, end;
    uint16_t status_word, round_trips;
};

static struct apdu_sample samples[4096];
static size_t sample_count, dropped;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOINLINE static void record_one(long index) {
    uint64_t start = now_ns();
    uint64_t end = now_ns();
    struct apdu_sample sample = {(uint16_t)index, 1, 1, start, end, 0x9000, 1};
    if (sample_count < sizeof samples / sizeof *samples)
        samples[sample_count++] = sample;
    else
        dropped++;
}

NOINLINE void rbic_c_instrument(long n) {
    for (long i = 0; i < n; i++) {
        if ((i & 2047) == 0) sample_count = 0, dropped = 0;
        record_one(i);
    }
    sink = sample_count + dropped;
}

/* ---------------------------------------------------------------------------------------------- */

/* Runs body(n) between the marks; the dump is named `name`. */
NOINLINE static void measure(const char *name, void (*body)(long), long n) {
    CALLGRIND_ZERO_STATS;
    body(n);
    CALLGRIND_DUMP_STATS_AT(name);
}

static uint8_t *read_file(const char *path, size_t *count) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    static uint8_t buffer[1 << 16];
    *count = fread(buffer, 1, sizeof buffer, file);
    fclose(file);
    return buffer;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s CERTIFICATE.der N\n", argv[0]);
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    certificate = read_file(argv[1], &certificate_count);
    if (!certificate || n < 1) {
        fprintf(stderr, "c-reference: cannot read %s, or N < 1\n", argv[1]);
        return 2;
    }
    /* The same DigestInfo prefix and response chunk the Swift harness uses. */
    static const uint8_t sha256_prefix[] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                            0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    /* APDUBuffer's default capacity: any extended APDU. */
    command_buffer.capacity = 4 + 3 + 65536 + 3 + 2;
    command_buffer.bytes = calloc(command_buffer.capacity, 1);
    memcpy(digest_info, sha256_prefix, sizeof sha256_prefix);
    memset(digest_info + sizeof sha256_prefix, 0xA5, 32);
    memset(certificate_chunk, 0x30, 256);
    certificate_chunk[256] = 0x90, certificate_chunk[257] = 0x00;

    struct tlv_error error = {0, 0};
    uint64_t der = tlv_walk_der(certificate, certificate_count, &error);
    uint64_t plain = tlv_walk_plain(certificate, certificate_count);
    if (error.code != TLV_OK || der != plain || der == 0) {
        fprintf(stderr, "c-reference: the walks disagree (der %llu, plain %llu, error %d at %zu)\n",
                (unsigned long long)der, (unsigned long long)plain, error.code, error.offset);
        return 1;
    }
    printf("c-reference checksum tlv=%llu\n", (unsigned long long)der);

    measure("c.tlv.der", rbic_c_tlv_der, n);
    measure("c.tlv.plain", rbic_c_tlv_plain, n);
    measure("c.apdu.selectAP", rbic_c_encode_select_ap, n);
    measure("c.apdu.selectEF", rbic_c_encode_select_ef, n);
    measure("c.apdu.readBinary", rbic_c_encode_read_binary, n);
    measure("c.apdu.verifyStatus", rbic_c_encode_verify_status, n);
    measure("c.apdu.verifyPIN", rbic_c_encode_verify_pin, n);
    measure("c.apdu.computeSignature", rbic_c_encode_compute_signature, n);
    measure("c.apdu.response", rbic_c_response, n);
    measure("c.instrumentation", rbic_c_instrument, n);
    return 0;
}
