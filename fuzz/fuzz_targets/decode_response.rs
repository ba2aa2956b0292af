//! Decode arbitrary bytes as the success body of every operation, and as an error body: no input
//! may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use perftest_sdk::{dispatch, ServiceError};

fuzz_target!(|data: &[u8]| {
    for op in dispatch::OPERATIONS {
        let _ = dispatch::decode_response(op.id, data);
    }
    let _ = ServiceError::from_parts(reqwest_status(data), &Default::default(), data.to_vec().into());
});

fn reqwest_status(data: &[u8]) -> perftest_sdk::StatusCode {
    let code = 400 + u16::from(data.first().copied().unwrap_or(0)) % 200;
    perftest_sdk::StatusCode::from_u16(code).unwrap_or(perftest_sdk::StatusCode::BAD_REQUEST)
}
