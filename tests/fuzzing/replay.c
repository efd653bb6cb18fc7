/* tests/fuzzing/replay.c - a main() for a fuzz target built without
 * libFuzzer (gcc, ASan/UBSan): feeds it every file of the directories it
 * was built with (the seed corpus and the saved crashes), so each crash the
 * fuzzer ever found stays a unit test in make check. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		FILE *f;
		long len;
		uint8_t *buf;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0) {
			if (f)
				fclose(f);
			continue;
		}
		rewind(f);
		buf = malloc(len ? len : 1);
		if (buf && fread(buf, 1, len, f) == (size_t)len) {
			LLVMFuzzerTestOneInput(buf, len);	/* aborts on a contract breach */
			n++;
		}
		free(buf);
		fclose(f);
	}
	closedir(d);
	return n;
}

int main(void)
{
	static const char *const dirs[] = { REPLAY_DIRS };
	int n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		n += replay_dir(dirs[i]);
	printf("%s: %s replays %d saved inputs (seeds and past crashes) cleanly\n",
	       n ? "PASS" : "FAIL", REPLAY_NAME, n);
	return n ? 0 : 1;
}
