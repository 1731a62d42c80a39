export interface AnalyticsReactContextInterface {
    getAtlaskitAnalyticsContext: () => any[];
    getAtlaskitAnalyticsEventHandlers: () => any[];
}
