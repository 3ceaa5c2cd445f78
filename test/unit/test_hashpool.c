/*
 * test_hashpool.c: password hashes run on the pool's threads, never more at
 * once than it has, at a lower CPU priority; inline when it is not running.
 */
#include "autoconf.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "hashpool.h"
#include "tap.h"

struct probe {
	pthread_t ran_on;
	int nice;
};

static void
record(void *arg)
{
	struct probe *p = arg;

	p->ran_on = pthread_self();
	p->nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
}

static atomic_int inside, most, finished;

static void
busy(void *arg)
{
	struct timespec t = {0, 20 * 1000000L};
	int now = atomic_fetch_add(&inside, 1) + 1, m = atomic_load(&most);

	(void)arg;
	while (now > m && !atomic_compare_exchange_weak(&most, &m, now))
		;
	nanosleep(&t, NULL);
	atomic_fetch_sub(&inside, 1);
}

static void *
client(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 3; i++) {
		hashpool_run(busy, NULL);
		atomic_fetch_add(&finished, 1);
	}
	return NULL;
}

int
main(void)
{
	struct probe p;
	pthread_t t[8];
	int i, base = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));

	hashpool_run(record, &p);
	CHECK(pthread_equal(p.ran_on, pthread_self()),
	      "without a pool the hash runs on the calling thread");

	CHECK(!hashpool_start(0), "a pool of 0 threads is refused");
	CHECK(!hashpool_start(HASHPOOL_MAX + 1), "more than %d are refused",
	      HASHPOOL_MAX);
	CHECK(hashpool_start(2), "a pool of 2 threads starts");
	CHECK(!hashpool_start(2), "a second start is refused");
	hashpool_run(record, &p);
	CHECK(!pthread_equal(p.ran_on, pthread_self()),
	      "with a pool the hash runs on a pool thread");
	CHECK(p.nice == base + HASHPOOL_NICE || p.nice == 19,
	      "the pool thread runs at nice %d (got %d, caller %d)",
	      base + HASHPOOL_NICE, p.nice, base);

	/* 8 clients x 3 hashes of 20 ms on a pool of 2 */
	for (i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, client, NULL);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK(atomic_load(&finished) == 24, "every hash returned (%d of 24)",
	      atomic_load(&finished));
	CHECK(atomic_load(&most) == 2,
	      "never more than the pool's 2 threads hash at once (most %d)",
	      atomic_load(&most));

	hashpool_stop();
	hashpool_run(record, &p);
	CHECK(pthread_equal(p.ran_on, pthread_self()),
	      "after hashpool_stop hashes run inline again");
	CHECK(hashpool_start(1), "the pool starts again after a stop");
	hashpool_run(record, &p);
	CHECK(!pthread_equal(p.ran_on, pthread_self()),
	      "and runs hashes on its thread");
	hashpool_stop();
	return tap_done();
}
