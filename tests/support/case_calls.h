#pragma once

#include <string>

#include "gridcase/v1/dispatch.grpc.pb.h"

namespace gridcase::testing {

// The case as dispatch projects it; an empty Case (id "") when dispatch does not know it yet or does not answer.
inline v1::Case DispatchedCase(v1::DispatchService::Stub& dispatch, const std::string& case_id) {
  grpc::ClientContext context;
  v1::GetCaseRequest request;
  request.set_case_id(case_id);
  v1::Case c;
  if (!dispatch.GetCase(&context, request, &c).ok()) return v1::Case();
  return c;
}

}  // namespace gridcase::testing
