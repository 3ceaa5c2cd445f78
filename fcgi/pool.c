/* pool.c: see pool.h. */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "pool.h"
#include "request.h"
#include "response.h"
#include "router.h"

#define POOL_MAX_PROCESSES 256

static volatile sig_atomic_t stopping;
static int listen_fd = -1;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
	/* Wakes every thread blocked in accept(); in-flight requests go on. */
	if (listen_fd >= 0)
		shutdown(listen_fd, SHUT_RDWR);
}

struct worker_arg {
	const struct config *cfg;
	int fd;
};

static void *
worker_main(void *p)
{
	const struct worker_arg *wa = p;
	FCGX_Request fr;
	struct req req;
	struct db *db;

	db_thread_init();
	db = db_new(wa->cfg, NULL, NULL, true);
	memset(&req, 0, sizeof(req));
	if (FCGX_InitRequest(&fr, wa->fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err(NULL, "FCGX_InitRequest failed");
		goto out;
	}
	while (!stopping) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (stopping)
				break;
			if (errno == EINTR)
				continue;
			log_err(NULL, "accept failed: %s", strerror(errno));
			break;
		}
		req_begin(&req, &fr, wa->cfg, db);
		router_dispatch(&req);
		response_send(&req);
		FCGX_Finish_r(&fr);
		req_end(&req);
	}
	FCGX_Free(&fr, 0);
out:
	db_free(db);
	db_thread_end();
	return NULL;
}

static void
install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: accept() must return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
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

/* Runs threads workers on fd until a stop signal; the process's status. */
static int
worker_process(const struct config *cfg, int fd, int threads)
{
	pthread_t tids[64];
	struct worker_arg wa = { cfg, fd };
	int i, started = 0;

	listen_fd = fd;
	install_stop_handlers();
	if (startup_db_check(cfg) != 0)
		return 1;
	for (i = 0; i < threads && i < 64; i++) {
		if (pthread_create(&tids[i], NULL, worker_main, &wa) != 0) {
			log_err(NULL, "pthread_create: %s", strerror(errno));
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	return started > 0 ? 0 : 1;
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
			log_info(NULL, "stopping: finishing requests in flight");
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
					log_err(NULL, "worker %ld killed by "
					              "signal %d; restarting",
					        (long)pid, WTERMSIG(status));
				else
					log_err(NULL, "worker %ld exited with "
					              "%d; restarting",
					        (long)pid, WEXITSTATUS(status));
				/* A worker that dies at once: do not spin. */
				if (time(NULL) - started[i] < 1)
					sleep(1);
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
	return 0;
}
