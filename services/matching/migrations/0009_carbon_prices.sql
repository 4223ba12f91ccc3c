-- The carbon price table that values a carbon-asset pledge loan's collateral: one dated,
-- sourced row per market and day (CNY per tCO2e). A valuation reads the newest row of its market
-- dated on or before the valuation day, so adding a row changes valuations from its date on and
-- never before. `secondary` marks a figure taken from a report or compilation of the exchange's
-- or registry's own publication rather than from that publication itself.
-- Reference data, the same for every caller: no tenant column, no row-level security.
CREATE TABLE carbon_prices (
    market text NOT NULL CHECK (market IN ('cea', 'ccer')),
    price_date date NOT NULL,
    price_cny_per_t numeric(8, 2) NOT NULL CHECK (price_cny_per_t > 0 AND price_cny_per_t <= 10000),
    basis text NOT NULL,
    source text NOT NULL,
    secondary boolean NOT NULL,
    PRIMARY KEY (market, price_date)
);

INSERT INTO carbon_prices (market, price_date, price_cny_per_t, basis, source, secondary) VALUES
('cea', '2021-07-16', 51.23, 'closing price',
 'Shanghai Environment and Energy Exchange first-day data as reported by China.org.cn, '
 '2021-07-19 (japanese.china.org.cn/business/txt/2021-07/19/content_77637133.htm)', true),
('cea', '2023-03-20', 57.00, 'listed-agreement closing price',
 'Shanghai Environment and Energy Exchange daily data as reported by China Securities Journal '
 '(cs.com.cn), 2023-03-20', true),
('cea', '2023-08-15', 70.07, 'closing price',
 'Jiemian, "China''s carbon price reached a record high on August 15" (m.jiemian.com/article/9939566.html)', true),
('cea', '2024-12-31', 97.49, 'year-end closing price',
 'Ministry of Ecology and Environment 2024 market summary as reported by Science and Technology '
 'Daily (dxknews.com, "China''s National Carbon Emissions Trading Market Reaches Total Transactions '
 'of 43.033 Billion Yuan")', true),
('cea', '2025-11-19', 66.86, 'closing price',
 'Shanghai Environment and Energy Exchange daily data as compiled in github.com/JIN-Z-pop/china-ets-mcp '
 '(examples/sample_cea_data.json)', true),
('cea', '2025-11-26', 59.60, 'closing price',
 'Shanghai Environment and Energy Exchange daily data as compiled in github.com/JIN-Z-pop/china-ets-mcp '
 '(examples/sample_cea_data.json)', true),
('cea', '2025-12-02', 59.75, 'closing price',
 'Shanghai Environment and Energy Exchange daily data as compiled in github.com/JIN-Z-pop/china-ets-mcp '
 '(examples/sample_cea_data.json)', true),
('ccer', '2025-11-18', 70.92, 'daily average price',
 'National CCER registry daily trading data (ccer.com.cn) as compiled in '
 'github.com/JIN-Z-pop/china-ets-mcp (examples/sample_ccer_data.json)', true),
('ccer', '2025-11-26', 62.48, 'daily average price',
 'National CCER registry daily trading data (ccer.com.cn) as compiled in '
 'github.com/JIN-Z-pop/china-ets-mcp (examples/sample_ccer_data.json)', true),
('ccer', '2025-12-01', 75.22, 'daily average price',
 'National CCER registry daily trading data (ccer.com.cn) as compiled in '
 'github.com/JIN-Z-pop/china-ets-mcp (examples/sample_ccer_data.json)', true);
