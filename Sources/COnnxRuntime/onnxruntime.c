// ONNX Runtime through its C function table, loaded with dlopen. See include/COnnxRuntime.h.
//
// The declarations below are Kinfinder's own: opaque handle types, the function types of the slots
// used, and the slot numbers (0-based places in the OrtApi table, stable since the API version that
// introduced each function; all are from API version 5 or older).
#include "COnnxRuntime.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct OrtStatus OrtStatus;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtValue OrtValue;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtAllocator OrtAllocator;
typedef struct OrtRunOptions OrtRunOptions;

typedef struct {
    const void *(*get_api)(uint32_t version);
    const char *(*get_version_string)(void);
} kf_api_base;

// Slots of the function table used here.
enum {
    SLOT_GET_ERROR_MESSAGE = 2,
    SLOT_CREATE_ENV = 3,
    SLOT_CREATE_SESSION = 7,
    SLOT_RUN = 9,
    SLOT_CREATE_SESSION_OPTIONS = 10,
    SLOT_SET_EXECUTION_MODE = 13,
    SLOT_SET_GRAPH_OPTIMIZATION_LEVEL = 23,
    SLOT_SET_INTRA_OP_THREADS = 24,
    SLOT_SET_INTER_OP_THREADS = 25,
    SLOT_SESSION_INPUT_COUNT = 30,
    SLOT_SESSION_OUTPUT_COUNT = 31,
    SLOT_SESSION_INPUT_TYPE_INFO = 33,
    SLOT_SESSION_OUTPUT_TYPE_INFO = 34,
    SLOT_SESSION_INPUT_NAME = 36,
    SLOT_SESSION_OUTPUT_NAME = 37,
    SLOT_CREATE_TENSOR_WITH_DATA = 49,
    SLOT_GET_TENSOR_MUTABLE_DATA = 51,
    SLOT_CAST_TYPE_INFO_TO_TENSOR_INFO = 55,
    SLOT_GET_TENSOR_ELEMENT_TYPE = 60,
    SLOT_GET_DIMENSIONS_COUNT = 61,
    SLOT_GET_DIMENSIONS = 62,
    SLOT_GET_TENSOR_ELEMENT_COUNT = 64,
    SLOT_GET_TENSOR_TYPE_AND_SHAPE = 65,
    SLOT_CREATE_CPU_MEMORY_INFO = 69,
    SLOT_ALLOCATOR_FREE = 76,
    SLOT_GET_DEFAULT_ALLOCATOR = 78,
    SLOT_RELEASE_STATUS = 93,
    SLOT_RELEASE_MEMORY_INFO = 94,
    SLOT_RELEASE_SESSION = 95,
    SLOT_RELEASE_VALUE = 96,
    SLOT_RELEASE_TYPE_INFO = 98,
    SLOT_RELEASE_TENSOR_TYPE_AND_SHAPE = 99,
    SLOT_RELEASE_SESSION_OPTIONS = 100,
    SLOT_ADD_SESSION_CONFIG_ENTRY = 130,
};

// Values of the runtime's enums used here.
enum { LOG_ERROR = 3, GRAPH_OPTIMIZE_ALL = 99, EXECUTION_SEQUENTIAL = 0, ALLOCATOR_ARENA = 1, MEM_DEFAULT = 0 };

typedef const char *(*fn_get_error_message)(const OrtStatus *);
typedef OrtStatus *(*fn_create_env)(int level, const char *logid, OrtEnv **out);
typedef OrtStatus *(*fn_create_session)(const OrtEnv *, const char *path, const OrtSessionOptions *, OrtSession **out);
typedef OrtStatus *(*fn_run)(OrtSession *, const OrtRunOptions *, const char *const *input_names,
                             const OrtValue *const *inputs, size_t input_count, const char *const *output_names,
                             size_t output_count, OrtValue **outputs);
typedef OrtStatus *(*fn_create_session_options)(OrtSessionOptions **out);
typedef OrtStatus *(*fn_options_int)(OrtSessionOptions *, int);
typedef OrtStatus *(*fn_session_count)(const OrtSession *, size_t *out);
typedef OrtStatus *(*fn_session_type_info)(const OrtSession *, size_t index, OrtTypeInfo **out);
typedef OrtStatus *(*fn_session_name)(const OrtSession *, size_t index, OrtAllocator *, char **out);
typedef OrtStatus *(*fn_create_tensor_with_data)(const OrtMemoryInfo *, void *data, size_t bytes, const int64_t *shape,
                                                 size_t rank, int element_type, OrtValue **out);
typedef OrtStatus *(*fn_get_tensor_mutable_data)(OrtValue *, void **out);
typedef OrtStatus *(*fn_cast_to_tensor_info)(const OrtTypeInfo *, const OrtTensorTypeAndShapeInfo **out);
typedef OrtStatus *(*fn_get_element_type)(const OrtTensorTypeAndShapeInfo *, int *out);
typedef OrtStatus *(*fn_get_dimensions_count)(const OrtTensorTypeAndShapeInfo *, size_t *out);
typedef OrtStatus *(*fn_get_dimensions)(const OrtTensorTypeAndShapeInfo *, int64_t *values, size_t count);
typedef OrtStatus *(*fn_get_element_count)(const OrtTensorTypeAndShapeInfo *, size_t *out);
typedef OrtStatus *(*fn_get_tensor_type_and_shape)(const OrtValue *, OrtTensorTypeAndShapeInfo **out);
typedef OrtStatus *(*fn_create_cpu_memory_info)(int allocator_type, int mem_type, OrtMemoryInfo **out);
typedef OrtStatus *(*fn_allocator_free)(OrtAllocator *, void *);
typedef OrtStatus *(*fn_get_default_allocator)(OrtAllocator **out);
typedef void (*fn_release)(void *);
typedef OrtStatus *(*fn_add_config_entry)(OrtSessionOptions *, const char *key, const char *value);

#define KF_MAX_RANK 8
#define KF_MAX_PORTS 8

struct kf_ort_runtime {
    void *library;
    void *const *api;
    const char *version;
    OrtEnv *env;
};

typedef struct {
    char *name;
    int element_type;
    int64_t shape[KF_MAX_RANK];
    size_t rank;
} kf_port;

struct kf_ort_session {
    kf_ort_runtime *runtime;
    OrtSession *session;
    OrtMemoryInfo *memory;
    kf_port inputs[KF_MAX_PORTS];
    kf_port outputs[KF_MAX_PORTS];
    size_t input_count;
    size_t output_count;
    const char *input_names[KF_MAX_PORTS];
    const char *output_names[KF_MAX_PORTS];
};

#define API(rt, slot, type) ((type)((rt)->api[(slot)]))

static void say(char *error, size_t size, const char *format, ...) {
    if (error == NULL || size == 0) return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, size, format, args);
    va_end(args);
}

/// Takes a status: 0 for success, else -1 with its message in `error` (prefixed by `what`).
static int check(const kf_ort_runtime *rt, OrtStatus *status, const char *what, char *error, size_t size) {
    if (status == NULL) return 0;
    const char *message = API(rt, SLOT_GET_ERROR_MESSAGE, fn_get_error_message)(status);
    say(error, size, "%s: %s", what, message ? message : "unknown error");
    API(rt, SLOT_RELEASE_STATUS, fn_release)(status);
    return -1;
}

kf_ort_runtime *kf_ort_load(const char *path, char *error, size_t error_size) {
    dlerror();
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        say(error, error_size, "%s", why ? why : "dlopen failed");
        return NULL;
    }
    const kf_api_base *(*get_base)(void) = (const kf_api_base *(*)(void))dlsym(library, "OrtGetApiBase");
    if (get_base == NULL) {
        say(error, error_size, "%s is not ONNX Runtime: it has no OrtGetApiBase", path);
        dlclose(library);
        return NULL;
    }
    const kf_api_base *base = get_base();
    const void *api = base ? base->get_api(KF_ORT_API_VERSION) : NULL;
    if (api == NULL) {
        say(error, error_size, "ONNX Runtime %s at %s does not serve C API version %d (1.%d or newer is needed)",
            base && base->get_version_string ? base->get_version_string() : "?", path, KF_ORT_API_VERSION,
            KF_ORT_API_VERSION);
        dlclose(library);
        return NULL;
    }
    kf_ort_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        say(error, error_size, "out of memory");
        dlclose(library);
        return NULL;
    }
    rt->library = library;
    rt->api = (void *const *)api;
    rt->version = base->get_version_string();
    if (check(rt, API(rt, SLOT_CREATE_ENV, fn_create_env)(LOG_ERROR, "kinfinder", &rt->env), "creating the runtime's environment",
              error, error_size) != 0) {
        free(rt);
        dlclose(library);
        return NULL;
    }
    // The runtime stays loaded for the life of the process: ONNX Runtime keeps global state (thread
    // pools, the environment) that must not be unmapped under it.
    return rt;
}

const char *kf_ort_version(const kf_ort_runtime *runtime) { return runtime->version ? runtime->version : "unknown"; }

static void free_ports(kf_ort_session *s) {
    OrtAllocator *allocator = NULL;
    if (API(s->runtime, SLOT_GET_DEFAULT_ALLOCATOR, fn_get_default_allocator)(&allocator) != NULL) return;
    for (size_t i = 0; i < s->input_count; i++)
        if (s->inputs[i].name) API(s->runtime, SLOT_ALLOCATOR_FREE, fn_allocator_free)(allocator, s->inputs[i].name);
    for (size_t i = 0; i < s->output_count; i++)
        if (s->outputs[i].name) API(s->runtime, SLOT_ALLOCATOR_FREE, fn_allocator_free)(allocator, s->outputs[i].name);
}

void kf_ort_session_free(kf_ort_session *s) {
    if (s == NULL) return;
    free_ports(s);
    if (s->memory) API(s->runtime, SLOT_RELEASE_MEMORY_INFO, fn_release)(s->memory);
    if (s->session) API(s->runtime, SLOT_RELEASE_SESSION, fn_release)(s->session);
    free(s);
}

/// Reads one input's or output's name, element type and shape.
static int describe_port(kf_ort_session *s, size_t index, int output, kf_port *port, char *error, size_t size) {
    const kf_ort_runtime *rt = s->runtime;
    OrtAllocator *allocator = NULL;
    if (check(rt, API(rt, SLOT_GET_DEFAULT_ALLOCATOR, fn_get_default_allocator)(&allocator), "allocator", error, size))
        return -1;
    int slot_name = output ? SLOT_SESSION_OUTPUT_NAME : SLOT_SESSION_INPUT_NAME;
    int slot_info = output ? SLOT_SESSION_OUTPUT_TYPE_INFO : SLOT_SESSION_INPUT_TYPE_INFO;
    if (check(rt, API(rt, slot_name, fn_session_name)(s->session, index, allocator, &port->name), "reading the model's ports",
              error, size))
        return -1;
    OrtTypeInfo *info = NULL;
    if (check(rt, API(rt, slot_info, fn_session_type_info)(s->session, index, &info), "reading the model's ports", error, size))
        return -1;
    const OrtTensorTypeAndShapeInfo *tensor = NULL;
    int failed = check(rt, API(rt, SLOT_CAST_TYPE_INFO_TO_TENSOR_INFO, fn_cast_to_tensor_info)(info, &tensor),
                       "reading the model's ports", error, size);
    if (!failed && tensor == NULL) {
        say(error, size, "the model's port %s is not a tensor", port->name);
        failed = -1;
    }
    size_t rank = 0;
    if (!failed)
        failed = check(rt, API(rt, SLOT_GET_TENSOR_ELEMENT_TYPE, fn_get_element_type)(tensor, &port->element_type),
                       "reading the model's ports", error, size);
    if (!failed)
        failed = check(rt, API(rt, SLOT_GET_DIMENSIONS_COUNT, fn_get_dimensions_count)(tensor, &rank), "reading the model's ports",
                       error, size);
    if (!failed && rank > KF_MAX_RANK) {
        say(error, size, "the model's port %s has %zu dimensions (at most %d are supported)", port->name, rank, KF_MAX_RANK);
        failed = -1;
    }
    if (!failed)
        failed = check(rt, API(rt, SLOT_GET_DIMENSIONS, fn_get_dimensions)(tensor, port->shape, rank), "reading the model's ports",
                       error, size);
    port->rank = rank;
    API(rt, SLOT_RELEASE_TYPE_INFO, fn_release)(info);
    return failed;
}

kf_ort_session *kf_ort_session_create(kf_ort_runtime *rt, const char *model_path, int threads, char *error,
                                      size_t error_size) {
    OrtSessionOptions *options = NULL;
    if (check(rt, API(rt, SLOT_CREATE_SESSION_OPTIONS, fn_create_session_options)(&options), "session options", error, error_size))
        return NULL;
    int failed =
        check(rt, API(rt, SLOT_SET_INTRA_OP_THREADS, fn_options_int)(options, threads < 1 ? 1 : threads), "session options",
              error, error_size) ||
        check(rt, API(rt, SLOT_SET_INTER_OP_THREADS, fn_options_int)(options, 1), "session options", error, error_size) ||
        check(rt, API(rt, SLOT_SET_EXECUTION_MODE, fn_options_int)(options, EXECUTION_SEQUENTIAL), "session options", error,
              error_size) ||
        check(rt, API(rt, SLOT_SET_GRAPH_OPTIMIZATION_LEVEL, fn_options_int)(options, GRAPH_OPTIMIZE_ALL), "session options",
              error, error_size) ||
        // Idle worker threads would otherwise spin for a while after each run, burning a core.
        check(rt, API(rt, SLOT_ADD_SESSION_CONFIG_ENTRY, fn_add_config_entry)(options, "session.intra_op.allow_spinning", "0"),
              "session options", error, error_size) ||
        check(rt, API(rt, SLOT_ADD_SESSION_CONFIG_ENTRY, fn_add_config_entry)(options, "session.inter_op.allow_spinning", "0"),
              "session options", error, error_size);
    kf_ort_session *s = NULL;
    if (!failed) {
        s = calloc(1, sizeof *s);
        if (s == NULL) {
            say(error, error_size, "out of memory");
            failed = -1;
        }
    }
    if (!failed) {
        s->runtime = rt;
        failed = check(rt, API(rt, SLOT_CREATE_SESSION, fn_create_session)(rt->env, model_path, options, &s->session),
                       "loading the model", error, error_size);
    }
    API(rt, SLOT_RELEASE_SESSION_OPTIONS, fn_release)(options);
    if (!failed)
        failed = check(rt, API(rt, SLOT_CREATE_CPU_MEMORY_INFO, fn_create_cpu_memory_info)(ALLOCATOR_ARENA, MEM_DEFAULT, &s->memory),
                       "memory info", error, error_size);
    if (!failed)
        failed = check(rt, API(rt, SLOT_SESSION_INPUT_COUNT, fn_session_count)(s->session, &s->input_count), "reading the model",
                       error, error_size) ||
                 check(rt, API(rt, SLOT_SESSION_OUTPUT_COUNT, fn_session_count)(s->session, &s->output_count), "reading the model",
                       error, error_size);
    if (!failed && (s->input_count > KF_MAX_PORTS || s->output_count > KF_MAX_PORTS)) {
        say(error, error_size, "the model has %zu inputs and %zu outputs (at most %d each are supported)", s->input_count,
            s->output_count, KF_MAX_PORTS);
        s->input_count = s->output_count = 0;
        failed = -1;
    }
    for (size_t i = 0; !failed && i < s->input_count; i++) {
        failed = describe_port(s, i, 0, &s->inputs[i], error, error_size);
        s->input_names[i] = s->inputs[i].name;
    }
    for (size_t i = 0; !failed && i < s->output_count; i++) {
        failed = describe_port(s, i, 1, &s->outputs[i], error, error_size);
        s->output_names[i] = s->outputs[i].name;
    }
    if (failed) {
        kf_ort_session_free(s);
        return NULL;
    }
    return s;
}

size_t kf_ort_session_input_count(const kf_ort_session *s) { return s->input_count; }
size_t kf_ort_session_output_count(const kf_ort_session *s) { return s->output_count; }

static int copy_port(const kf_port *port, const char **name, int *element_type, int64_t *shape, size_t max_rank, size_t *rank) {
    *name = port->name;
    *element_type = port->element_type;
    *rank = port->rank;
    for (size_t d = 0; d < port->rank && d < max_rank; d++) shape[d] = port->shape[d];
    return 0;
}

int kf_ort_session_input(const kf_ort_session *s, size_t index, const char **name, int *element_type, int64_t *shape,
                         size_t max_rank, size_t *rank) {
    if (index >= s->input_count) return -1;
    return copy_port(&s->inputs[index], name, element_type, shape, max_rank, rank);
}

int kf_ort_session_output(const kf_ort_session *s, size_t index, const char **name, int *element_type, int64_t *shape,
                          size_t max_rank, size_t *rank) {
    if (index >= s->output_count) return -1;
    return copy_port(&s->outputs[index], name, element_type, shape, max_rank, rank);
}

int kf_ort_run(kf_ort_session *s, const float *input, const int64_t *shape, size_t rank, float *const *outputs,
               const size_t *capacities, size_t *counts, size_t output_count, char *error, size_t error_size) {
    const kf_ort_runtime *rt = s->runtime;
    if (s->input_count != 1 || output_count != s->output_count) {
        say(error, error_size, "the model has %zu inputs and %zu outputs; asked to run with 1 and %zu", s->input_count,
            s->output_count, output_count);
        return -1;
    }
    size_t elements = 1;
    for (size_t d = 0; d < rank; d++) elements *= (size_t)(shape[d] > 0 ? shape[d] : 0);
    OrtValue *tensor = NULL;
    // The runtime only reads the input; the cast drops `const` for its generic signature.
    if (check(rt, API(rt, SLOT_CREATE_TENSOR_WITH_DATA, fn_create_tensor_with_data)(
                      s->memory, (void *)input, elements * sizeof(float), shape, rank, KF_ORT_FLOAT, &tensor),
              "preparing the input", error, error_size))
        return -1;
    OrtValue *results[KF_MAX_PORTS] = {NULL};
    int failed = check(rt, API(rt, SLOT_RUN, fn_run)(s->session, NULL, s->input_names, (const OrtValue *const *)&tensor, 1,
                                                   s->output_names, output_count, results),
                       "running the model", error, error_size);
    for (size_t i = 0; !failed && i < output_count; i++) {
        OrtTensorTypeAndShapeInfo *info = NULL;
        size_t n = 0;
        int type = 0;
        failed = check(rt, API(rt, SLOT_GET_TENSOR_TYPE_AND_SHAPE, fn_get_tensor_type_and_shape)(results[i], &info),
                       "reading an output", error, error_size);
        if (!failed)
            failed = check(rt, API(rt, SLOT_GET_TENSOR_ELEMENT_COUNT, fn_get_element_count)(info, &n), "reading an output", error,
                           error_size) ||
                     check(rt, API(rt, SLOT_GET_TENSOR_ELEMENT_TYPE, fn_get_element_type)(info, &type), "reading an output",
                           error, error_size);
        if (info) API(rt, SLOT_RELEASE_TENSOR_TYPE_AND_SHAPE, fn_release)(info);
        if (!failed && type != KF_ORT_FLOAT) {
            say(error, error_size, "output %s is not float (element type %d)", s->output_names[i], type);
            failed = -1;
        }
        if (!failed && n > capacities[i]) {
            say(error, error_size, "output %s has %zu values, more than the %zu expected", s->output_names[i], n, capacities[i]);
            failed = -1;
        }
        void *data = NULL;
        if (!failed)
            failed = check(rt, API(rt, SLOT_GET_TENSOR_MUTABLE_DATA, fn_get_tensor_mutable_data)(results[i], &data),
                           "reading an output", error, error_size);
        if (!failed) {
            memcpy(outputs[i], data, n * sizeof(float));
            counts[i] = n;
        }
    }
    for (size_t i = 0; i < output_count; i++)
        if (results[i]) API(rt, SLOT_RELEASE_VALUE, fn_release)(results[i]);
    API(rt, SLOT_RELEASE_VALUE, fn_release)(tensor);
    return failed ? -1 : 0;
}
