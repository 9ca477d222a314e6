/*
 * The TensorFlow C API functions the test plugin calls, declared from their documented signatures
 * (tensorflow/c/c_api.h, tf_tensor.h, tf_status.h). libtensorflow_cc.so.2 from TensorFlow Java's native
 * package exports them; the plugin links against it.
 */
#ifndef LOCKSTEP_TF_C_H
#define LOCKSTEP_TF_C_H

#include <stddef.h>
#include <stdint.h>

typedef struct TF_Status TF_Status;
typedef struct TF_Graph TF_Graph;
typedef struct TF_OperationDescription TF_OperationDescription;
typedef struct TF_Operation TF_Operation;
typedef struct TF_Session TF_Session;
typedef struct TF_SessionOptions TF_SessionOptions;
typedef struct TF_Tensor TF_Tensor;
typedef struct TF_Buffer TF_Buffer;
typedef struct { TF_Operation* oper; int index; } TF_Output;

enum { TF_FLOAT = 1, TF_DOUBLE = 2, TF_INT32 = 3, TF_INT64 = 9, TF_BOOL = 10, TF_BFLOAT16 = 14, TF_HALF = 19 };

TF_Status* TF_NewStatus(void);
void TF_DeleteStatus(TF_Status*);
int TF_GetCode(const TF_Status*);
const char* TF_Message(const TF_Status*);

TF_Graph* TF_NewGraph(void);
void TF_DeleteGraph(TF_Graph*);
TF_OperationDescription* TF_NewOperation(TF_Graph*, const char* op_type, const char* oper_name);
void TF_SetAttrType(TF_OperationDescription*, const char*, int);
void TF_SetAttrShape(TF_OperationDescription*, const char*, const int64_t* dims, int num_dims);
void TF_AddInputList(TF_OperationDescription*, const TF_Output* inputs, int num_inputs);
void TF_SetAttrInt(TF_OperationDescription*, const char*, int64_t);
void TF_SetAttrString(TF_OperationDescription*, const char*, const void* value, size_t length);
void TF_SetAttrStringList(TF_OperationDescription*, const char*, const void* const* values, const size_t* lengths,
                          int num_values);
void TF_SetAttrTypeList(TF_OperationDescription*, const char*, const int* values, int num_values);
void TF_SetAttrShapeList(TF_OperationDescription*, const char*, const int64_t* const* dims, const int* num_dims,
                         int num_shapes);
void TF_SetAttrBool(TF_OperationDescription*, const char*, unsigned char);
void TF_SetAttrValueProto(TF_OperationDescription*, const char*, const void* proto, size_t proto_len, TF_Status*);
TF_Operation* TF_FinishOperation(TF_OperationDescription*, TF_Status*);

TF_SessionOptions* TF_NewSessionOptions(void);
void TF_DeleteSessionOptions(TF_SessionOptions*);
TF_Session* TF_NewSession(TF_Graph*, const TF_SessionOptions*, TF_Status*);
void TF_CloseSession(TF_Session*, TF_Status*);
void TF_DeleteSession(TF_Session*, TF_Status*);
void TF_SessionRun(TF_Session*, const TF_Buffer* run_options, const TF_Output* inputs, TF_Tensor* const* input_values,
                   int ninputs, const TF_Output* outputs, TF_Tensor** output_values, int noutputs,
                   const TF_Operation* const* target_opers, int ntargets, TF_Buffer* run_metadata, TF_Status*);

TF_Tensor* TF_NewTensor(int dtype, const int64_t* dims, int num_dims, void* data, size_t len,
                        void (*deallocator)(void* data, size_t len, void* arg), void* deallocator_arg);
TF_Tensor* TF_AllocateTensor(int dtype, const int64_t* dims, int num_dims, size_t len);
void* TF_TensorData(const TF_Tensor*);
size_t TF_TensorByteSize(const TF_Tensor*);
void TF_DeleteTensor(TF_Tensor*);

#endif
