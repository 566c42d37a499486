/* BTF C-dump fixture: declarators and ordering. Function pointers in every position, typedef
 * chains, qualifiers on pointers and pointees, forward declarations, mutually referencing structs
 * (which need "struct x;" before their definitions), anonymous types behind pointers, and a
 * struct only ever used through a pointer (so it stays a forward declaration). */

typedef int int_t;
typedef int_t int2_t;
typedef const int2_t cint_t;
typedef cint_t *pcint_t;
typedef volatile pcint_t vpcint_t;

struct node;
struct list;

typedef struct node node_t;
typedef node_t *node_ptr;

struct list {
	node_ptr head;
	struct node *tail;
	struct list *self;
	int (*cmp)(const node_t *, const node_t *);
};

struct node {
	struct list *owner;
	struct node *next, *prev;
	struct node **pprev;
	void *data;
	const void *cdata;
	const char *const name;
	volatile unsigned long *volatile vptr;
	int *restrict rp;
};

struct opaque;

/* arr_fn: a function returning a pointer to an array of 4 ints. */
typedef int (*(*arr_fn_t)(int))[4];
/* fn_fn: a function returning a pointer to a function. */
typedef void (*(*fn_fn_t)(char))(long);

struct callbacks {
	void (*simple)(void);
	int (*with_args)(int a, char *b, struct opaque *o);
	int (*variadic)(const char *fmt, ...);
	int (*(*ret_arr)(int))[4];
	void (*(*ret_fn)(char))(long);
	int (*table[3])(int);
	int (*(*ptr_to_table)[5])(void);
	arr_fn_t a;
	fn_fn_t f;
	struct {
		int x;
	} *(*ret_anon)(void);
	const struct node *(*const find)(const struct list *l, int_t key);
	struct opaque *opaque;
	vpcint_t vp;
	pcint_t pp[2];
};

typedef struct {
	int a;
	struct {
		char b;
	} nested;
} anon_typedef_t;

typedef union {
	int i;
	float f;
} anon_union_t;

typedef struct later later_t;

struct uses_later {
	later_t *p;
	struct later *q;
};

struct later {
	struct uses_later back;
	int v;
};

/* A typedef needed through a pointer before its struct is complete. */
typedef struct cyc_a cyc_a_t;
struct cyc_b {
	cyc_a_t *a;
	int (*fn)(cyc_a_t *);
};
struct cyc_a {
	struct cyc_b b;
	cyc_a_t *self;
};

typedef char name_t[16];
typedef name_t names_t[4];
typedef const name_t *name_ptr_t;

struct node g_node;
struct list g_list;
struct callbacks g_callbacks;
anon_typedef_t g_anon_typedef;
anon_union_t g_anon_union;
struct later g_later;
struct cyc_a g_cyc;
names_t g_names;
name_ptr_t g_name_ptr;
const volatile int g_cv = 1;
int *const volatile g_ptr_cv;
