/* BTF C-dump fixture: struct and union layout. Bitfields (in runs, across storage units, after
 * gaps), anonymous nested structs and unions, arrays of arrays, packed and over-aligned structs,
 * explicit and implicit padding, empty structs. Every type is reached from a global variable so
 * clang keeps it in .BTF. */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

struct bits {
	u32 a : 3;
	u32 b : 5;
	u32 : 0;
	u32 c : 7;
	u8 d;
	u64 e : 40;
	u64 f : 24;
	int g : 1;
	long h;
	char i : 2;
};

struct bits_gap {
	char a;
	u32 b : 4;
	u64 c : 60;
	u16 d : 2;
	char e[3];
	u64 f : 1;
};

struct nested {
	int kind;
	union {
		struct {
			u32 x, y;
		};
		struct {
			u16 lo, hi;
		} half;
		u64 all;
	};
	struct {
		char tag;
		union {
			int i;
			float f;
		} v;
	} inner[2];
	struct {
		int deep[2][3][4];
	} *ptr_to_anon;
};

struct __attribute__((packed)) packed {
	char c;
	int i;
	short s;
	long long ll;
};

struct __attribute__((packed)) packed_aligned_ok {
	int a;
	int b;
};

struct with_packed_member {
	char c;
	struct packed p;
	short s;
};

struct __attribute__((aligned(16))) over_aligned {
	char c;
};

struct holes {
	char a;
	long b __attribute__((aligned(32)));
	char c;
	struct over_aligned o;
	char d;
	int e __attribute__((aligned(64)));
};

struct tail_pad {
	long a;
	char b;
	char pad_after[0];
};

struct flex {
	int len;
	char data[];
};

struct empty {};

struct has_empty {
	struct empty e;
	int after;
	struct empty tail[0];
};

union u {
	char c;
	int i : 3;
	long l;
	struct empty e;
	char arr[13];
};

struct matrix {
	float m[4][4];
	double *rows[3];
	char (*grid)[8][8];
	short cube[2][2][2];
};

struct bits g_bits;
struct bits_gap g_bits_gap;
struct nested g_nested;
struct packed g_packed;
struct packed_aligned_ok g_packed_ok;
struct with_packed_member g_with_packed;
struct holes g_holes;
struct tail_pad g_tail_pad;
struct flex *g_flex;
struct has_empty g_has_empty;
union u g_u;
struct matrix g_matrix;
