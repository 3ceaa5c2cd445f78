/* hashpool.c: see hashpool.h. */
#include "autoconf.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "hashpool.h"
#include "log.h"

struct job {
	void (*fn)(void *);
	void *arg;
	bool done;
	pthread_cond_t done_cv;
	struct job *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static struct job *head, *tail; /* FIFO: logins are served in order */
static pthread_t tids[HASHPOOL_MAX];
static int nthreads;
static bool stopping;

static void *
hash_thread(void *unused)
{
	(void)unused;
	/* Linux: a thread id here names this thread alone; raising the nice
	 * value needs no privilege. */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
			HASHPOOL_NICE) != 0)
		log_warn(NULL, "hash thread priority: %s", strerror(errno));
	pthread_mutex_lock(&mu);
	for (;;) {
		struct job *j;

		while (head == NULL && !stopping)
			pthread_cond_wait(&work_cv, &mu);
		if (head == NULL) /* stopping, nothing left */
			break;
		j = head;
		head = j->next;
		if (head == NULL)
			tail = NULL;
		pthread_mutex_unlock(&mu);
		j->fn(j->arg);
		pthread_mutex_lock(&mu);
		j->done = true;
		pthread_cond_signal(&j->done_cv);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

bool
hashpool_start(int n)
{
	if (n < 1 || n > HASHPOOL_MAX || nthreads > 0)
		return false;
	stopping = false;
	while (nthreads < n) {
		if (pthread_create(&tids[nthreads], NULL, hash_thread, NULL) !=
		    0) {
			log_err(NULL, "hash thread: %s", strerror(errno));
			break;
		}
		nthreads++;
	}
	return nthreads > 0;
}

void
hashpool_stop(void)
{
	int i;

	pthread_mutex_lock(&mu);
	stopping = true;
	pthread_cond_broadcast(&work_cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	nthreads = 0;
}

void
hashpool_run(void (*fn)(void *), void *arg)
{
	struct job j;

	pthread_mutex_lock(&mu);
	if (nthreads == 0 || stopping) {
		pthread_mutex_unlock(&mu);
		fn(arg);
		return;
	}
	memset(&j, 0, sizeof(j));
	j.fn = fn;
	j.arg = arg;
	pthread_cond_init(&j.done_cv, NULL);
	if (tail != NULL)
		tail->next = &j;
	else
		head = &j;
	tail = &j;
	pthread_cond_signal(&work_cv);
	while (!j.done)
		pthread_cond_wait(&j.done_cv, &mu);
	pthread_mutex_unlock(&mu);
	pthread_cond_destroy(&j.done_cv);
}
