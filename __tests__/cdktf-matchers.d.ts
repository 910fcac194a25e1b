// Types of cdktf's matchers (toHaveResourceWithProperties, …), registered by fixtures/cdktf-matchers.ts.
import 'cdktf/lib/testing/adapters/jest';
