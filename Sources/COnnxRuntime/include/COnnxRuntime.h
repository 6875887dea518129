// The C boundary for the inference runtime: ONNX Runtime's C API, loaded at run time.
//
// ONNX Runtime ships as a shared library (in the `onnxruntime` PyPI wheel) without a C header, and
// Debian has no package of it, so this module does not link it: `kf_ort_load` opens the library with
// dlopen, finds `OrtGetApiBase` and takes the function table (`OrtApi`) of API version
// KF_ORT_API_VERSION. The table is append-only by design, so the slots used here keep their places
// in every 1.x release from that version on. Only the functions Kinfinder needs are called, through
// the slot numbers below; every pointer stays inside this file. Internal to the Inference module.
#ifndef KINFINDER_CONNXRUNTIME_H
#define KINFINDER_CONNXRUNTIME_H

#include <stddef.h>
#include <stdint.h>

/// The API version asked of the library: 13 is ONNX Runtime 1.13; newer libraries serve older
/// versions, so any runtime from 1.13 on works.
#define KF_ORT_API_VERSION 13

/// A loaded runtime: the library handle, its function table and one logging environment.
typedef struct kf_ort_runtime kf_ort_runtime;
/// A model ready to run, with its input and output descriptions.
typedef struct kf_ort_session kf_ort_session;

/// Element types the wrapper reports (ONNX's numbering).
enum { KF_ORT_FLOAT = 1, KF_ORT_UINT8 = 2, KF_ORT_INT64 = 7 };

/// Opens the library at `path`. Returns NULL and writes a sentence into `error` when the file is
/// missing, is not a shared library, has no `OrtGetApiBase`, or does not serve the API version.
kf_ort_runtime *kf_ort_load(const char *path, char *error, size_t error_size);
/// The library's own version string ("1.32.0").
const char *kf_ort_version(const kf_ort_runtime *runtime);

/// Loads a model file. `threads`: intra-op threads (1 = run on the calling thread only); spinning
/// is turned off so an idle runtime costs no CPU. Returns NULL and writes the runtime's message into
/// `error` when the model cannot be read or parsed.
kf_ort_session *kf_ort_session_create(kf_ort_runtime *runtime, const char *model_path, int threads,
                                      char *error, size_t error_size);
void kf_ort_session_free(kf_ort_session *session);

size_t kf_ort_session_input_count(const kf_ort_session *session);
size_t kf_ort_session_output_count(const kf_ort_session *session);
/// Name, element type and shape (-1 for a free dimension) of an input or output; `rank` receives
/// the number of dimensions (at most `max_rank` are written). Returns 0, or -1 for a bad index.
int kf_ort_session_input(const kf_ort_session *session, size_t index, const char **name, int *element_type,
                         int64_t *shape, size_t max_rank, size_t *rank);
int kf_ort_session_output(const kf_ort_session *session, size_t index, const char **name, int *element_type,
                          int64_t *shape, size_t max_rank, size_t *rank);

/// Runs the model on one float input of `shape` (`rank` dimensions) read from `input`, and copies
/// each float output i into `outputs[i]`, which holds `capacities[i]` floats; `counts[i]` receives
/// the number of floats output i has. Returns 0, or -1 with a sentence in `error` (the runtime's
/// message, or an output larger than its buffer).
int kf_ort_run(kf_ort_session *session, const float *input, const int64_t *shape, size_t rank,
               float *const *outputs, const size_t *capacities, size_t *counts, size_t output_count,
               char *error, size_t error_size);

#endif
