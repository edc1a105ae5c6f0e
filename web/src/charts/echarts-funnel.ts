// The funnel chart on top of the core set (./echarts): only the projects dashboard's chunk pays for it.
import { echarts } from './echarts';
import { FunnelChart } from 'echarts/charts';

echarts.use([FunnelChart]);

export { echarts };
