/*
 * minimal.c: the smallest FastCGI responder we can write with libfcgi, the
 * yardstick of test/bench/run. Same threading as panel-fcgi (a few threads
 * accepting on fd 0), answers every request with a fixed JSON body of
 * $MINIMAL_BODY_SIZE bytes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

static char *body;
static size_t body_len;

static void *
worker(void *arg)
{
	FCGX_Request r;

	(void)arg;
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		char head[256];

		snprintf(head, sizeof(head),
		         "Status: 200 OK\r\nContent-Type: application/json\r\n"
		         "Content-Length: %zu\r\n\r\n",
		         body_len);
		FCGX_PutS(head, r.out);
		FCGX_PutStr(body, (int)body_len, r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int
main(void)
{
	const char *env = getenv("MINIMAL_BODY_SIZE");
	const char *tenv = getenv("MINIMAL_THREADS");
	long n = env ? strtol(env, NULL, 10) : 16;
	long threads = tenv ? strtol(tenv, NULL, 10) : 2;
	pthread_t t[64];
	long i;

	if (n < 16 || n > 1 << 20)
		n = 16;
	if (threads < 1 || threads > 64)
		threads = 2;
	body_len = (size_t)n;
	body = malloc(body_len);
	memset(body, ' ', body_len);
	memcpy(body, "{\"ok\":true}", 11);
	FCGX_Init();
	for (i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}
