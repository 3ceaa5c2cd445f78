/* mail.c: see mail.h. */
#include "autoconf.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mail.h"

bool
mail_send(const struct config *cfg, const char *to, const char *subject,
	  const char *body)
{
	char *msg;
	size_t len;
	ssize_t n;
	pid_t pid;
	int fds[2], status;

	if (cfg->sendmail[0] == '\0' || strpbrk(to, "\r\n") != NULL ||
	    strpbrk(subject, "\r\n") != NULL)
		return false;
	len = strlen(to) + strlen(subject) + strlen(body) + 64;
	if (len > 60000) /* fits the pipe: the write below never blocks */
		return false;
	msg = malloc(len);
	if (msg == NULL)
		return false;
	n = snprintf(msg, len, "To: %s\nSubject: %s\n\n%s", to, subject, body);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		free(msg);
		return false;
	}
	/*
	 * Fork twice: the request never waits for the mail system, and the
	 * command ends up init's child, not a zombie of ours. Between fork
	 * and exec only async-signal-safe calls (a threaded process).
	 */
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			if (dup2(fds[0], STDIN_FILENO) < 0)
				_exit(127);
			closefrom(3);
			execl("/bin/sh", "sh", "-c", cfg->sendmail,
			      (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	close(fds[0]);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (write(fds[1], msg, (size_t)n) != n)
			log_warn(NULL,
				 "mail: short write to the sendmail command");
	}
	close(fds[1]);
	free(msg);
	return pid > 0;
}
