// CardIdentity: who is answering, from what PC/SC hands over.
//
// Everything here is pure: bytes and strings in, values out. The PCSC module does the I/O
// (SCardStatus, SCardGetAttrib, SCardControl) and passes the payloads to these parsers, so the
// same code runs on live readers, replayed traces and tests.
//
// MARK: - Map of the module
//
//   ATR/           ISO/IEC 7816-3 answer-to-reset: structure, Fi/Di, guard time, T=1 parameters
//   Contactless/   the PC/SC Part 3 contactless ATR form: ISO 14443 Type B ATQB fields, storage cards
//   Reader/        pcsc-lite reader names, PC/SC Part 10 features and TLV properties,
//                  reader attributes, ReaderIdentity and the ModelKey results are grouped by
