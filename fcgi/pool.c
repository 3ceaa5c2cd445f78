/* pool.c: see pool.h. */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "hashpool.h"
#include "log.h"
#include "pool.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "settings.h"

#define POOL_MAX_PROCESSES 256

#define POOL_MAX_THREADS 64
#define POOL_WAKE_MS 50 /* how often idle threads are nudged while stopping */

static volatile sig_atomic_t stopping;

/*
 * SIGTERM, SIGINT, SIGUSR1: stop after the requests in flight. Only the
 * flag is set here; the process's main thread then wakes the threads that
 * wait in accept() one by one (wake_idle), so the listening socket, which
 * serve mode shares between processes, is never touched.
 */
static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

/* SIGUSR2 only interrupts a blocking accept(); it has no other effect. */
static void
on_wake(int sig)
{
	(void)sig;
}

struct worker {
	pthread_t tid;
	const struct config *cfg;
	int fd;
	atomic_int idle; /* waiting for a connection (safe to interrupt) */
	atomic_int done;
};

static void *
worker_main(void *p)
{
	struct worker *w = p;
	FCGX_Request fr;
	struct req req;
	struct db *db;

	db_thread_init();
	db = db_new(w->cfg, NULL, NULL, true);
	db_set_lazy(db);
	memset(&req, 0, sizeof(req));
	if (FCGX_InitRequest(&fr, w->fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err(NULL, "FCGX_InitRequest failed");
		goto out;
	}
	for (;;) {
		int rc;

		atomic_store(&w->idle, 1);
		if (stopping)
			break;
		rc = FCGX_Accept_r(&fr);
		atomic_store(&w->idle, 0);
		if (rc < 0) {
			if (stopping)
				break;
			if (errno == EINTR)
				continue;
			log_err(NULL, "accept failed: %s", strerror(errno));
			break;
		}
		req_begin(&req, &fr, w->cfg, db);
		router_dispatch(&req);
		response_send(&req);
		FCGX_Finish_r(&fr);
		if (req.after != NULL)
			req.after(&req, req.after_arg);
		req_end(&req);
	}
	FCGX_Free(&fr, 0);
out:
	crypto_thread_end();
	settings_thread_end();
	db_free(db);
	db_thread_end();
	atomic_store(&w->done, 1);
	return NULL;
}

static void
install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: accept() must return EINTR */
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_wake;
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

/* Checks the schema once, so drift stops startup (STYLE 8). */
static int
startup_db_check(const struct config *cfg)
{
	struct db *db = db_new(cfg, NULL, NULL, true);
	enum perr e;

	db_thread_init();
	e = db_connect(db);
	db_free(db);
	db_thread_end();
#ifdef HAVE_MALLOC_TRIM
	/* the whole statement table was prepared and freed: give it back */
	malloc_trim(0);
#endif
	if (e == PERR_DB) {
		log_err(NULL, "the database schema does not match this "
			      "binary: run panel-fcgi migrate");
		return 1;
	}
	if (e == PERR_DBDOWN)
		log_warn(NULL, "starting without the database; requests get "
			       "503 until it is reachable");
	return 0;
}

/* Password hashes at once in this process: no more than the CPUs, nor
 * than the request threads (hashpool.h). */
static int
hash_threads(int threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		cpus = 1;
	return threads < cpus ? threads : (int)cpus;
}

/* Runs threads workers on fd until a stop signal; the process's status. */
static int
worker_process(const struct config *cfg, int fd, int threads)
{
	static struct worker workers[POOL_MAX_THREADS];
	struct timespec nap = {0, POOL_WAKE_MS * 1000000L};
	sigset_t stopsigs, old;
	int i, started = 0, finished;

	install_handlers();
	if (startup_db_check(cfg) != 0)
		return 1;
	/* Stop signals go to this thread only; workers get SIGUSR2. */
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &stopsigs, &old);
	hashpool_start(hash_threads(threads));
	for (i = 0; i < threads && i < POOL_MAX_THREADS; i++) {
		workers[i].cfg = cfg;
		workers[i].fd = fd;
		atomic_init(&workers[i].idle, 0);
		atomic_init(&workers[i].done, 0);
		if (pthread_create(&workers[i].tid, NULL, worker_main,
				   &workers[i]) != 0) {
			log_err(NULL, "pthread_create: %s", strerror(errno));
			break;
		}
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (;;) {
		finished = 0;
		for (i = 0; i < started; i++) {
			if (atomic_load(&workers[i].done))
				finished++;
			else if (stopping && atomic_load(&workers[i].idle))
				pthread_kill(workers[i].tid, SIGUSR2);
		}
		if (finished == started)
			break;
		nanosleep(&nap, NULL);
	}
	for (i = 0; i < started; i++)
		pthread_join(workers[i].tid, NULL);
	hashpool_stop();
	return started > 0 && stopping ? 0 : 1;
}

int
pool_run_spawned(const struct config *cfg)
{
	if (FCGX_Init() != 0) {
		log_err(NULL, "FCGX_Init failed");
		return 1;
	}
	log_info(NULL, "serving fd 0 with %ld thread(s)", cfg->threads);
	return worker_process(cfg, 0, (int)cfg->threads);
}

/* ---- serve mode ---------------------------------------------------------- */

static pid_t
spawn(const struct config *cfg, int fd, int threads)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		_exit(worker_process(cfg, fd, threads));
	}
	if (pid < 0)
		log_err(NULL, "fork: %s", strerror(errno));
	return pid;
}

int
pool_serve(const struct config *cfg, const char *listen, int processes,
	   int threads)
{
	pid_t pids[POOL_MAX_PROCESSES];
	time_t started[POOL_MAX_PROCESSES];
	int fast_failures = 0, rc = 0;
	const char *sockpath = NULL;
	sigset_t set;
	int fd, i, alive = 0, sig;

	if (processes < 1 || processes > POOL_MAX_PROCESSES || threads < 1 ||
	    threads > 64) {
		log_err(NULL, "--processes must be 1..%d and --threads 1..64",
			POOL_MAX_PROCESSES);
		return 2;
	}
	if (FCGX_Init() != 0) {
		log_err(NULL, "FCGX_Init failed");
		return 1;
	}
	if (str_has_prefix(listen, "unix:")) {
		sockpath = listen + 5;
		unlink(sockpath); /* a stale socket from an earlier run */
		fd = FCGX_OpenSocket(sockpath, 128);
		if (fd >= 0)
			chmod(sockpath, 0660);
	} else {
		fd = FCGX_OpenSocket(listen, 128);
	}
	if (fd < 0) {
		log_err(NULL, "cannot listen on %s: %s", listen,
			strerror(errno));
		return 1;
	}
	/* The master waits for signals synchronously. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Signals meant for workers do nothing to the master (workers set
	 * their own handlers after fork). */
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	for (i = 0; i < processes; i++) {
		pids[i] = spawn(cfg, fd, threads);
		started[i] = time(NULL);
		if (pids[i] > 0)
			alive++;
	}
	log_info(NULL, "serving %s with %d process(es) x %d thread(s)", listen,
		 processes, threads);
	while (alive > 0) {
		pid_t pid;
		int status;

		sig = 0;
		sigwait(&set, &sig);
		if ((sig == SIGTERM || sig == SIGINT) && !stopping) {
			stopping = 1;
			log_info(NULL,
				 "stopping: finishing requests in flight");
			for (i = 0; i < processes; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < processes; i++) {
				if (pids[i] != pid)
					continue;
				pids[i] = 0;
				alive--;
				if (stopping)
					break;
				if (WIFSIGNALED(status))
					log_err(NULL,
						"worker %ld killed by "
						"signal %d; restarting",
						(long)pid, WTERMSIG(status));
				else
					log_err(NULL,
						"worker %ld exited with "
						"%d; restarting",
						(long)pid, WEXITSTATUS(status));
				/* A worker that dies at once: do not spin,
				 * and give up when it keeps doing so (a
				 * schema mismatch, a bad configuration). */
				if (time(NULL) - started[i] < 2) {
					if (++fast_failures >= 5) {
						log_err(NULL,
							"workers keep failing "
							"at startup; giving "
							"up");
						stopping = 1;
						rc = 1;
						for (int j = 0; j < processes;
						     j++)
							if (pids[j] > 0)
								kill(pids[j],
								     SIGTERM);
						break;
					}
					sleep(1);
				} else {
					fast_failures = 0;
				}
				pids[i] = spawn(cfg, fd, threads);
				started[i] = time(NULL);
				if (pids[i] > 0)
					alive++;
				break;
			}
		}
	}
	close(fd);
	if (sockpath != NULL)
		unlink(sockpath);
	log_info(NULL, "stopped");
	return rc;
}
