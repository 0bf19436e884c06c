// OpenSSL 3: digests, RSA signatures, X.509 parsing and randomness for the simulated card
// and for checking what a card returns.
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/opensslv.h>
