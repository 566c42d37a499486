// SPDX-License-Identifier: MIT
/*
 * The libbpf side of bench/events: consumes a BPF ring buffer with ring_buffer__new and
 * ring_buffer__consume / ring_buffer__poll, fed by the same socket filter the SharpBpf side uses,
 * run through BPF_PROG_TEST_RUN. The driver (SharpBpf.EventsBench) creates and pins the ring,
 * the program and its counters, runs this binary, and reads one line per round:
 *
 *   round <records consumed> <nanoseconds> <this thread's CPU nanoseconds>
 *
 * then "sum <sum of the first u64 of every record>" so the driver can check every record came
 * through once. Built by run.sh: cc -O2 ringbuf_consumer.c -o ... -lbpf -lelf -lz -lpthread.
 *
 * usage: ringbuf_consumer RING PROG drain|stream RECORDS ROUNDS BATCH
 *   drain:  fill the ring with RECORDS records (untimed), then time ring_buffer__consume.
 *   stream: a thread runs the program BATCH times per BPF_PROG_TEST_RUN until RECORDS records
 *           are out, while this thread times ring_buffer__poll(rb, 100) until it has them all.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct stats {
	uint64_t count;
	uint64_t sum;
};

struct producer {
	int prog_fd;
	uint64_t records;
	uint32_t batch;
	int err;
};

/* The work the SharpBpf handler does too: count the record and read its first 8 bytes. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct stats *s = ctx;
	uint64_t first;

	(void)size;
	memcpy(&first, data, sizeof(first));
	s->count++;
	s->sum += first;
	return 0;
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int produce(int prog_fd, uint64_t records, uint32_t batch)
{
	unsigned char packet[64] = { 0 };

	while (records > 0) {
		uint32_t n = records < batch ? (uint32_t)records : batch;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet), .repeat = n);
		int err = bpf_prog_test_run_opts(prog_fd, &opts);

		if (err && errno != EINTR)
			return -errno;
		if (!err)
			records -= n;
	}
	return 0;
}

static void *producer_thread(void *arg)
{
	struct producer *p = arg;

	p->err = produce(p->prog_fd, p->records, p->batch);
	return NULL;
}

int main(int argc, char **argv)
{
	struct stats stats = { 0 };
	struct ring_buffer *rb;
	uint64_t records, total_sum = 0;
	int ring_fd, prog_fd, rounds, stream;
	uint32_t batch;

	if (argc != 7) {
		fprintf(stderr, "usage: %s RING PROG drain|stream RECORDS ROUNDS BATCH\n", argv[0]);
		return 2;
	}
	ring_fd = bpf_obj_get(argv[1]);
	prog_fd = bpf_obj_get(argv[2]);
	if (ring_fd < 0 || prog_fd < 0) {
		fprintf(stderr, "bpf_obj_get: %s\n", strerror(errno));
		return 1;
	}
	stream = strcmp(argv[3], "stream") == 0;
	records = strtoull(argv[4], NULL, 0);
	rounds = atoi(argv[5]);
	batch = (uint32_t)strtoul(argv[6], NULL, 0);

	rb = ring_buffer__new(ring_fd, on_record, &stats, NULL);
	if (!rb) {
		fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
		return 1;
	}
	for (int round = 0; round < rounds; round++) {
		uint64_t start, elapsed, cpu_start, cpu;

		stats.count = 0;
		stats.sum = 0;
		if (stream) {
			struct producer p = { .prog_fd = prog_fd, .records = records, .batch = batch };
			pthread_t thread;

			start = clock_ns(CLOCK_MONOTONIC);
			cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
			if (pthread_create(&thread, NULL, producer_thread, &p)) {
				fprintf(stderr, "pthread_create failed\n");
				return 1;
			}
			while (stats.count < records) {
				int n = ring_buffer__poll(rb, 100);

				if (n < 0 && n != -EINTR) {
					fprintf(stderr, "ring_buffer__poll: %s\n", strerror(-n));
					return 1;
				}
			}
			elapsed = clock_ns(CLOCK_MONOTONIC) - start;
			cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
			pthread_join(thread, NULL);
			if (p.err) {
				fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", strerror(-p.err));
				return 1;
			}
		} else {
			int err = produce(prog_fd, records, batch);

			if (err) {
				fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", strerror(-err));
				return 1;
			}
			start = clock_ns(CLOCK_MONOTONIC);
			cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
			while (stats.count < records) {
				int n = ring_buffer__consume(rb);

				if (n < 0) {
					fprintf(stderr, "ring_buffer__consume: %s\n", strerror(-n));
					return 1;
				}
				if (n == 0)
					break;
			}
			elapsed = clock_ns(CLOCK_MONOTONIC) - start;
			cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
		}
		printf("round %llu %llu %llu\n", (unsigned long long)stats.count, (unsigned long long)elapsed,
		       (unsigned long long)cpu);
		total_sum += stats.sum;
	}
	printf("sum %llu\n", (unsigned long long)total_sum);
	ring_buffer__free(rb);
	return 0;
}
