/*
 * argon2_rate.c: the raw Argon2id rate of this machine, the yardstick of the
 * `login` case of test/bench/run. Hashes a fixed password with libgcrypt's
 * Argon2id exactly as fcgi/crypto.c does (gcry_kdf_open with GCRY_KDF_ARGON2 /
 * GCRY_KDF_ARGON2ID, 16-byte salt, 32-byte output) on N threads for S
 * seconds and prints "hashes <count> seconds <elapsed> rate <hashes/s>".
 *
 *   argon2_rate THREADS SECONDS [TIME MEMORY_KIB PARALLELISM]
 *   (defaults 2 19456 1: the panel's configuration)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gcrypt.h>

static unsigned long t_cost = 2, m_cost = 19456, par = 1;
static double seconds = 3;
static volatile int stop;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
worker(void *arg)
{
	long *count = arg;
	const char *password = "bench-password-1";
	unsigned char salt[16], out[32];
	unsigned long params[4] = {sizeof(out), t_cost, m_cost, par};

	memset(salt, 0x5a, sizeof(salt));
	while (!stop) {
		gcry_kdf_hd_t h;

		if (gcry_kdf_open(&h, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, params,
				  4, password, strlen(password), salt,
				  sizeof(salt), NULL, 0, NULL, 0) != 0) {
			fprintf(stderr, "gcry_kdf_open failed\n");
			exit(1);
		}
		if (gcry_kdf_compute(h, NULL) != 0 ||
		    gcry_kdf_final(h, sizeof(out), out) != 0) {
			fprintf(stderr, "argon2id failed\n");
			exit(1);
		}
		gcry_kdf_close(h);
		salt[0]++;
		if (!stop)
			(*count)++;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	long threads = argc > 1 ? strtol(argv[1], NULL, 10) : 2;
	long counts[256] = {0}, total = 0;
	pthread_t t[256];
	double t0, elapsed;
	long i;

	if (argc > 2)
		seconds = strtod(argv[2], NULL);
	if (argc > 5) {
		t_cost = strtoul(argv[3], NULL, 10);
		m_cost = strtoul(argv[4], NULL, 10);
		par = strtoul(argv[5], NULL, 10);
	}
	if (threads < 1 || threads > 256 || seconds <= 0) {
		fprintf(stderr, "usage: argon2_rate THREADS SECONDS [T M P]\n");
		return 2;
	}
	if (!gcry_check_version(GCRYPT_VERSION)) {
		fprintf(stderr, "libgcrypt version mismatch\n");
		return 1;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	t0 = now();
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, &counts[i]);
	while (now() - t0 < seconds) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	stop = 1;
	elapsed = now() - t0;
	for (i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += counts[i];
	}
	printf("hashes %ld seconds %.3f rate %.2f\n", total, elapsed,
	       (double)total / elapsed);
	return 0;
}
