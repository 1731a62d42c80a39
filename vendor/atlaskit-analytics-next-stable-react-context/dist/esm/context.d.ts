/// <reference types="react" />
import { AnalyticsReactContextInterface } from './types';
declare const AnalyticsNextContext: import("react").Context<AnalyticsReactContextInterface>;
export default AnalyticsNextContext;
