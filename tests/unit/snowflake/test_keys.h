// RSA key pairs for authentication tests, made with OpenSSL in the test process.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <string>

namespace sf2pg::testing {

struct PemKeyPair {
  std::string private_pem;  ///< PKCS#8, encrypted when a passphrase was given
  std::string public_pem;   ///< SubjectPublicKeyInfo ("BEGIN PUBLIC KEY")
};

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<size_t>(n));
  BIO_free(bio);
  return text;
}

/// A fresh 2048-bit RSA key; with `passphrase`, the private key is PKCS#8 encrypted with
/// AES-256-CBC (PBES2).
inline PemKeyPair MakeTestKey(const std::string& passphrase = {}) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (!key) throw std::runtime_error("EVP_RSA_gen failed");
  BIO* priv = BIO_new(BIO_s_mem());
  int ok = passphrase.empty()
               ? PEM_write_bio_PKCS8PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PKCS8PrivateKey(
                     priv, key, EVP_aes_256_cbc(), const_cast<char*>(passphrase.data()),
                     static_cast<int>(passphrase.size()), nullptr, nullptr);
  BIO* pub = BIO_new(BIO_s_mem());
  ok = ok && PEM_write_bio_PUBKEY(pub, key);
  EVP_PKEY_free(key);
  if (!ok) throw std::runtime_error("cannot write the test key");
  return {BioText(priv), BioText(pub)};
}

/// One unencrypted key shared by the tests of a binary (key generation is slow).
inline const PemKeyPair& SharedTestKey() {
  static const PemKeyPair key = MakeTestKey();
  return key;
}

}  // namespace sf2pg::testing
