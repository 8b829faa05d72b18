// keys_test.cc — Ed25519 keys and signed notes, checked against the reference
// example of the signed-note ecosystem (the Go sumdb/note package).
#include <sys/stat.h>

#include "auditchain/auditchain.hpp"
#include "auditchain/keys.hpp"
#include "test_util.hpp"

namespace auditchain {
namespace {

const char* kReferenceSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const char* kReferenceVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const char* kReferenceText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const char* kReferenceNote =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(Keys, TheReferenceSignerKeyHasTheReferenceVerifierKey) {
  const SignerKey signer = SignerKey::parse(kReferenceSigner);
  EXPECT_EQ(signer.name(), "PeterNeumann");
  EXPECT_EQ(signer.key_id(), 0xc74f20a3u);
  EXPECT_EQ(signer.verifier().to_text(), kReferenceVerifier);
  EXPECT_EQ(signer.to_text(), kReferenceSigner);
}

TEST(Keys, SigningTheReferenceTextGivesTheReferenceNote) {
  EXPECT_EQ(sign_note(kReferenceText, SignerKey::parse(kReferenceSigner)), kReferenceNote);
}

TEST(Keys, TheReferenceNoteOpensWithTheReferenceVerifier) {
  const VerifierKey key = VerifierKey::parse(kReferenceVerifier);
  EXPECT_EQ(open_note(kReferenceNote, std::span(&key, 1)), kReferenceText);
}

TEST(Keys, AnAlteredNoteDoesNotOpen) {
  const VerifierKey key = VerifierKey::parse(kReferenceVerifier);
  std::string altered = kReferenceNote;
  altered[3] = 'X';
  EXPECT_AUDITCHAIN_ERROR(open_note(altered, std::span(&key, 1)), ErrorCode::kBadSignature, "");
}

TEST(Keys, ANoteSignedByAnotherKeyDoesNotOpen) {
  const SignerKey other = SignerKey::generate("PeterNeumann");  // same name, different key
  const VerifierKey key = VerifierKey::parse(kReferenceVerifier);
  EXPECT_AUDITCHAIN_ERROR(open_note(sign_note(kReferenceText, other), std::span(&key, 1)), ErrorCode::kBadSignature, "");
}

TEST(Keys, MalformedKeysAreRefusedWithoutEchoingSecrets) {
  EXPECT_AUDITCHAIN_ERROR(VerifierKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
                          ErrorCode::kInvalidArgument, "key");
  EXPECT_AUDITCHAIN_ERROR(VerifierKey::parse("no-plus-signs"), ErrorCode::kInvalidArgument, "key");
  EXPECT_AUDITCHAIN_ERROR(SignerKey::generate("has space"), ErrorCode::kInvalidArgument, "key");
  try {
    SignerKey::parse("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF!");
    ADD_FAILURE() << "a corrupted signer key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("AYEKFALV"), std::string::npos) << "the error repeats key material";
  }
}

TEST(Keys, SavedSignerKeysAreOwnerOnlyAndNeverOverwritten) {
  testing::ScratchDir dir;
  const SignerKey key = SignerKey::generate("audit.example/acme");
  key.save(dir.file("k.key"));
  struct stat st {};
  ASSERT_EQ(stat(dir.file("k.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_AUDITCHAIN_ERROR(key.save(dir.file("k.key")), ErrorCode::kAlreadyExists, "path");
  EXPECT_EQ(SignerKey::load(dir.file("k.key")).verifier().to_text(), key.verifier().to_text());
}

TEST(Keys, NotesWithoutATrailingNewlineOrWithABlankLineCannotBeSigned) {
  const SignerKey key = SignerKey::generate("k");
  EXPECT_AUDITCHAIN_ERROR(sign_note("no newline", key), ErrorCode::kInvalidArgument, "note");
  EXPECT_AUDITCHAIN_ERROR(sign_note("a\n\nb\n", key), ErrorCode::kInvalidArgument, "note");
}

}  // namespace
}  // namespace auditchain
