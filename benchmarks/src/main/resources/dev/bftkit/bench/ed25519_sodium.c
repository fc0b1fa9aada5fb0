/*
 * The libsodium side of Ed25519Ratio: a JNI shim that verifies one signature a given number of times in C, so the
 * JNI crossing is paid once per batch. It declares the two libsodium functions it calls instead of including
 * <sodium.h>, so only the shared library (Debian's libsodium23) is needed, not its headers.
 */
#include <jni.h>

int sodium_init(void);
int crypto_sign_verify_detached(const unsigned char *sig, const unsigned char *m, unsigned long long mlen,
                                const unsigned char *pk);

JNIEXPORT jint JNICALL Java_dev_bftkit_bench_Ed25519Ratio_sodiumInit(JNIEnv *env, jclass cls) {
    return sodium_init();
}

/* Verifies (sig, msg, pk) `times` times and returns how many verified. */
JNIEXPORT jint JNICALL Java_dev_bftkit_bench_Ed25519Ratio_sodiumVerify(JNIEnv *env, jclass cls, jbyteArray pk,
        jbyteArray msg, jbyteArray sig, jint times) {
    jsize mlen = (*env)->GetArrayLength(env, msg);
    jbyte *k = (*env)->GetByteArrayElements(env, pk, 0);
    jbyte *m = (*env)->GetByteArrayElements(env, msg, 0);
    jbyte *s = (*env)->GetByteArrayElements(env, sig, 0);
    jint ok = 0;
    for (jint i = 0; i < times; i++) {
        ok += crypto_sign_verify_detached((const unsigned char *) s, (const unsigned char *) m,
                (unsigned long long) mlen, (const unsigned char *) k) == 0;
    }
    (*env)->ReleaseByteArrayElements(env, sig, s, JNI_ABORT);
    (*env)->ReleaseByteArrayElements(env, msg, m, JNI_ABORT);
    (*env)->ReleaseByteArrayElements(env, pk, k, JNI_ABORT);
    return ok;
}
